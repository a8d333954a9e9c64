import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, codeFor, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, track, type ColorScheme } from "./support/browsers.ts";
import { sendAs } from "./support/peer.ts";
import { scenicPng } from "./support/png.ts";
import { startServer, type RunningServer } from "./support/server.ts";

/**
 * Every screen, in light and dark (the system's setting, emulated; the app follows it live), on a
 * phone and a desktop: axe finds no serious or critical violation, and with E2E_SHOTS set each is
 * saved as `<scheme>/<device>/<screen>.png` under it for looking at.
 */
const TEST_TIMEOUT = 240_000;
let server: RunningServer;
let peer: MadeUser;
let other: MadeUser;

type Device = "phone" | "desktop";

async function both(page: Page, device: Device, screen: string, options: { fullPage?: boolean } = {}): Promise<void> {
  for (const scheme of ["light", "dark"] as const satisfies ColorScheme[]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction((want) => document.documentElement.dataset.theme === want, scheme);
    // Transitions (buttons, switches) finish before axe reads the colours.
    await page.waitForTimeout(200);
    const shots = process.env.E2E_SHOTS;
    if (shots) {
      const dir = join(shots, scheme, device);
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `${screen}.png`), fullPage: options.fullPage ?? false });
    }
    await checkA11y(page, `${screen} (${device}, ${scheme})`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

const heading = (page: Page, name: string) => page.getByRole("heading", { level: 1, name }).waitFor();

async function signedOutScreens(page: Page, device: Device, email: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.locator("#landing-title").waitFor();
  await both(page, device, "landing", { fullPage: true });
  await page.goto(`${server.url}/desktop`);
  const scanner = page.getByRole("button", { name: "Use your phone as a scanner instead" });
  await scanner.waitFor();
  await page.locator("canvas.qr").first().waitFor();
  await both(page, device, "desktop-link");
  await scanner.click();
  await page.getByRole("button", { name: "Create session" }).click();
  await page.getByRole("img", { name: /Pairing QR code/ }).waitFor();
  await both(page, device, "desktop-pairing");
  await page.goto(`${server.url}/pair#sid=nope&t=nope`);
  await page.locator("h1, h2").first().waitFor();
  await page.waitForTimeout(500);
  await both(page, device, "pair-link-invalid");
  if (device === "phone") {
    await page.goto(`${server.url}/scan`);
    await page.locator(".camera:not([data-camera-status=starting])").waitFor();
    await page.waitForTimeout(500);
    await both(page, device, "scan");
  }
  await page.goto(`${server.url}/sign-in`);
  await page.getByLabel("Email address").waitFor();
  await both(page, device, "sign-in");
  await page.getByLabel("Email address").fill("not-an-email");
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByRole("alert").waitFor();
  await both(page, device, "sign-in-email-error");
  await page.getByRole("radio", { name: "Phone" }).check();
  await page.getByLabel("Phone number").fill("+44 12");
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByRole("alert").waitFor();
  await both(page, device, "sign-in-phone-error");
  await page.getByRole("radio", { name: "Email" }).check();
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByText(`We sent a 6-digit code to ${email}`).waitFor();
  await both(page, device, "code");
  await page.getByLabel("6-digit code").fill(await codeFor(server, email));
  await heading(page, "Set up your profile");
  await both(page, device, "onboarding");
}

async function signedInScreens(page: Page, device: Device, me: MadeUser, meName: string): Promise<void> {
  await sendAs(server, other, me.id, "Did Pat say where we meet? I can bring the picnic blanket.");
  await sendAs(server, peer, me.id, "Hi! Are we still on for lunch tomorrow at the market? 🌮");
  await page.goto(`${server.url}/home`);
  await heading(page, "Chats");
  await page.getByTestId("chat-row").nth(1).waitFor();
  await both(page, device, "home");

  // Search: Pat's chat and contact by name, and Sam's message that names Pat.
  const search = page.getByRole("combobox", { name: "Search chats and messages" });
  await search.fill("pat");
  await page.getByTestId("search-name").first().waitFor();
  await page.getByTestId("search-hit").locator("mark").waitFor();
  await both(page, device, "search-results");
  await search.fill("");
  await page.getByTestId("chat-list").waitFor();

  await page.getByRole("button", { name: "Chat options for Sam Lee" }).click();
  await page.getByRole("menu", { name: "Chat options for Sam Lee" }).waitFor();
  await both(page, device, "home-chat-menu");
  await page.getByRole("menuitem", { name: "Archive chat" }).click();
  await page.getByTestId("archived-entry").waitFor();
  await both(page, device, "home-archived-entry");

  await page.getByTestId("chat-row").first().click();
  const chat = page.getByRole("region", { name: "Chat with Pat Doe" });
  const field = chat.getByRole("textbox", { name: "Message" });
  await field.fill("Yes, 12:30 at the north gate. I'll bring the map.");
  await field.press("Enter");
  await page.getByTestId("message").filter({ hasText: "north gate" }).locator("[data-tick]:not([data-tick=pending])").waitFor();
  await both(page, device, "chat");

  await page.getByTestId("message").filter({ hasText: "north gate" }).getByRole("button", { name: "Message actions" }).click();
  await both(page, device, "chat-message-menu");
  await page.getByRole("button", { name: "Message info" }).click();
  await page.getByRole("dialog").getByRole("heading", { name: "Message info" }).waitFor();
  await both(page, device, "message-info");
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();

  await page.getByTestId("message").filter({ hasText: "north gate" }).getByRole("button", { name: "Message actions" }).click();
  await page.getByRole("button", { name: "Forward", exact: true }).click();
  const forward = page.getByRole("dialog", { name: "Forward message" });
  await forward.getByRole("checkbox", { name: /Sam Lee/ }).check();
  await both(page, device, "forward-dialog");
  await forward.getByRole("button", { name: "Cancel" }).click();

  await chat.getByRole("button", { name: "Emoji" }).click();
  await page.getByTestId("emoji-picker").getByRole("button", { name: "grinning face", exact: true }).waitFor();
  await both(page, device, "emoji-picker");
  await chat.getByRole("button", { name: "Emoji" }).click();
  await page.getByTestId("emoji-picker").waitFor({ state: "detached" });

  await field.evaluate((box, base64) => {
    const data = new DataTransfer();
    data.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], "market.png", { type: "image/png" }));
    box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, scenicPng(400, 300).toString("base64"));
  await chat.getByTestId("upload").locator("img.upload__preview").waitFor();
  await field.fill("The stall with the blue awning");
  await both(page, device, "paste-preview");
  await chat.getByRole("button", { name: "Remove market.png" }).click();

  // Near the limit the composer counts (and grows to a few lines, then scrolls).
  await field.fill("A long note about the trip, with every stop and time on the way. ".repeat(60));
  await chat.getByText(/ \/ 4,096/).waitFor();
  await both(page, device, "composer-limit");
  await field.fill("");

  await chat.getByRole("button", { name: "Contact info for Pat Doe" }).click();
  await page.getByRole("dialog", { name: "Pat Doe" }).waitFor();
  await both(page, device, "contact-info");
  await page.getByRole("button", { name: "Close contact info" }).click();

  await page.goto(`${server.url}/home/qr`);
  await page.getByRole("img", { name: new RegExp(`QR code to add ${meName}`) }).waitFor();
  await both(page, device, "my-qr");
  await page.goto(`${server.url}/home/add`);
  await page.locator("h1").first().waitFor();
  await both(page, device, "add-contact");

  await page.goto(`${server.url}/settings`);
  await page.getByRole("heading", { name: "Appearance" }).waitFor();
  await both(page, device, "settings", { fullPage: true });
  await page.getByRole("button", { name: "Change email" }).click();
  await page.getByLabel("New email address").fill("not-an-email");
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByLabel("New email address").scrollIntoViewIfNeeded();
  await both(page, device, "settings-change-email");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Add phone number" }).click();
  await page.getByLabel("New phone number").fill("+44 12");
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByRole("alert").waitFor();
  await page.getByLabel("New phone number").scrollIntoViewIfNeeded();
  await both(page, device, "settings-change-phone");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await page.getByRole("dialog", { name: "Delete your account?" }).waitFor();
  await both(page, device, "settings-delete-account");
}

describe("every screen passes axe in light and dark, phone and desktop", { timeout: 3 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    peer = await makeUser(server, "pat@example.com", { name: "Pat Doe", username: "pat" });
    other = await makeUser(server, "sam@example.com", { name: "Sam Lee", username: "sam" });
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  for (const device of ["phone", "desktop"] as const) {
    test(`${device}: signed-out and signed-in screens`, { timeout: TEST_TIMEOUT }, async () => {
      try {
        const fresh = await track(device === "phone" ? launchPhone() : launchDesktop());
        await signedOutScreens(fresh.page, device, `new-${device}@example.com`);
        const name = device === "phone" ? "Rae Phone" : "Dee Desk";
        const me = await makeUser(server, `${device}@example.com`, { name, username: `${device}_user` });
        await connectUsers(server, me, peer, `${device}_user`);
        await connectUsers(server, me, other, `${device}_user`);
        const opened = await track(device === "phone" ? launchPhone() : launchDesktop());
        await signInAs(opened.page, server, me);
        await signedInScreens(opened.page, device, me, name);
        assert.deepEqual(
          // The refused phone number of "Add phone number" is answered 400, as it should be.
          opened.errors.filter((e) => !e.includes("favicon") && !e.includes("status of 400 (Bad Request)")),
          [],
        );
      } finally {
        await closeAll();
      }
    });
  }
});
