import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { linkDesktopOverApi } from "./support/linking.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { lumaFromPng, writeY4m } from "./support/y4m.ts";

const TEST_TIMEOUT = 150_000;

let server: RunningServer;
let videos: string;
let ann: MadeUser;
let ben: MadeUser;
let chatId: string;

const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const linkQr = (page: Page) => page.getByRole("img", { name: /Link QR code/ });

/** Opens /desktop signed out and returns the link URL its QR shows. */
async function desktopQr(page: Page): Promise<string> {
  await page.goto(`${server.url}/desktop`);
  await linkQr(page).waitFor();
  await page.getByRole("status").filter({ hasText: "Waiting for your phone…" }).waitFor();
  return (await linkQr(page).getAttribute("data-qr-text")) ?? "";
}

describe("linking a desktop to a signed-in phone in real browsers", { timeout: 3 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    videos = mkdtempSync(join(tmpdir(), "easyqr-link-y4m-"));
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
    ben = await makeUser(server, "ben@example.com", { name: "Ben Okafor", username: "ben" });
    await connectUsers(server, ann, ben, "ann");
    // Ann already has a chat with Ben: the linked desktop must show it.
    const opened = await fetch(`${server.url}/api/chats`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ann.tokens.accessToken}` },
      body: JSON.stringify({ userId: ben.id }),
    });
    assert.ok(opened.ok, "Ann's chat with Ben");
    chatId = ((await opened.json()) as { id: string }).id;
  });

  /** Ben writes in his chat with Ann over his own socket (from `page`, which speaks WebSocket). */
  async function benSays(page: Page, text: string): Promise<void> {
    const params = JSON.stringify({ url: server.url.replace("http", "ws") + "/ws", token: ben.tokens.accessToken, chatId, text });
    // A string, not a function: the test runner's transpiler would add helpers the page does not have.
    const acked = await page.evaluate(`(async ({ url, token, chatId, text }) => {
      const socket = new WebSocket(url);
      const acked = new Promise((resolve) => {
        socket.onmessage = (e) => {
          const event = JSON.parse(String(e.data));
          if (event.type === "AUTHENTICATED") socket.send(JSON.stringify({ type: "SEND", id: crypto.randomUUID(), chatId, text }));
          if (event.type === "ACK") resolve(Boolean(event.message));
        };
      });
      socket.onopen = () => socket.send(JSON.stringify({ accessToken: token }));
      const ok = await acked;
      socket.close();
      return ok;
    })(${params})`);
    assert.equal(acked, true, "Ben's message was stored");
  }

  after(async () => {
    await closeAll();
    await server?.stop();
    if (videos) rmSync(videos, { recursive: true, force: true });
  });

  test("desktop QR → the phone's scanner → approve → the desktop has Ann's chats, both ways live; revoke logs it out", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      await desktop.page.goto(`${server.url}/`);
      await benSays(desktop.page, "Hello Ann, from Ben");
      const url = await desktopQr(desktop.page);
      assert.match(url, new RegExp(`^${server.url}/link#[\\w-]+\\.[\\w-]{43}$`));
      const code = (await desktop.page.locator(".link-card .code").textContent()) ?? "";
      assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      await shot(desktop.page, "link-desktop-qr");
      await checkA11y(desktop.page, "link QR (desktop)");

      const png = await linkQr(desktop.page).screenshot();
      const video = join(videos, "link.y4m");
      writeY4m(video, await lumaFromPng(desktop.page, png));

      const phone = await track(launchPhone(video));
      await signInAs(phone.page, server, ann);
      await phone.page.goto(`${server.url}/settings`);
      await phone.page.getByRole("link", { name: "Link a desktop" }).click();
      await phone.page.waitForURL(/\/link$/);
      await shot(phone.page, "link-phone-start");
      await phone.page.getByRole("link", { name: "Scan the QR code" }).click();

      // The scanner reads the QR and opens the approval page, without the "someone sent this" warning.
      const confirm = phone.page.getByRole("region", { name: "Link this computer to your account?" });
      await confirm.waitFor();
      await desktop.page.getByRole("status").filter({ hasText: "Scanned — confirm on your phone" }).waitFor();
      assert.equal(await phone.page.getByText("You opened this from outside EasyQR").count(), 0);
      assert.equal(await confirm.getByTestId("link-device").textContent(), "Chrome on Linux");
      await confirm.getByText("on your network").waitFor();
      await shot(phone.page, "link-phone-confirm");
      await shot(desktop.page, "link-desktop-scanned");
      await checkA11y(phone.page, "link approval (phone)");
      // Nothing about the account reached the desktop before approval.
      assert.equal(await desktop.page.getByText("Ann Lee").count(), 0);

      await confirm.getByRole("button", { name: "Approve" }).click();
      await phone.page.getByRole("heading", { name: "Linked" }).waitFor();

      // The desktop signs in with its own session and lands on Ann's chats.
      await desktop.page.waitForURL(/\/home$/);
      const row = desktop.page.getByTestId("chat-row").filter({ hasText: "Ben Okafor" });
      await row.waitFor();
      const stored = await desktop.page.evaluate(() => JSON.parse(localStorage.getItem("easyqr.session") ?? "{}") as { keyBound?: boolean });
      assert.equal(stored.keyBound, true, "the desktop's session is bound to its key");

      // The phone hears of the new device.
      await phone.page.getByRole("status").filter({ hasText: "New device linked: Chrome on Linux" }).waitFor();
      await shot(phone.page, "link-phone-linked");

      // A message written on the phone appears on the desktop, and the other way round.
      await row.click();
      const desktopChat = desktop.page.getByRole("region", { name: "Chat with Ben Okafor" });
      await desktopChat.waitFor();
      await phone.page.goto(`${server.url}/home`);
      await phone.page.getByTestId("chat-row").filter({ hasText: "Ben Okafor" }).click();
      const phoneChat = phone.page.getByRole("region", { name: "Chat with Ben Okafor" });
      const phoneField = phoneChat.getByRole("textbox", { name: "Message" });
      await phoneField.fill("Written on the phone");
      await phoneField.press("Enter");
      await messageWith(desktop.page, "Written on the phone").waitFor();
      const desktopField = desktopChat.getByRole("textbox", { name: "Message" });
      await desktopField.fill("Written on the desktop");
      await desktopField.press("Enter");
      await messageWith(phone.page, "Written on the desktop").waitFor();
      await shot(desktop.page, "link-desktop-chat");

      // A reload keeps the desktop signed in: its refresh is signed with the key in IndexedDB.
      await desktop.page.reload();
      await messageWith(desktop.page, "Written on the phone").waitFor();

      // Reading on the desktop clears the unread badge on the phone.
      await desktop.page.goto(`${server.url}/home`);
      await phone.page.goto(`${server.url}/home`);
      const phoneRow = phone.page.getByTestId("chat-row").filter({ hasText: "Ben Okafor" });
      await phoneRow.waitFor();
      await benSays(desktop.page, "Are you there, Ann?");
      await phoneRow.getByTestId("unread-badge").getByText("1").waitFor();
      await row.getByTestId("unread-badge").getByText("1").waitFor();
      await row.click();
      await messageWith(desktop.page, "Are you there, Ann?").waitFor();
      await phoneRow.getByTestId("unread-badge").waitFor({ state: "detached", timeout: 5_000 });

      // Settings → Linked devices on the phone: log the desktop out.
      await phone.page.goto(`${server.url}/settings`);
      const devices = phone.page.getByRole("list", { name: "Signed-in devices" });
      await devices.getByTestId("device-row").filter({ hasText: "this device" }).waitFor();
      const desktopRow = devices.getByTestId("device-row").filter({ hasText: "Chrome on Linux" });
      await desktopRow.waitFor();
      await desktopRow.scrollIntoViewIfNeeded();
      await shot(phone.page, "link-phone-devices");
      await desktopRow.getByRole("button", { name: "Log out" }).click();
      const dialog = phone.page.getByRole("dialog", { name: "Log out Chrome on Linux?" });
      await dialog.getByRole("button", { name: "Log out" }).click();
      await desktopRow.waitFor({ state: "detached" });

      // The desktop is signed out within seconds and shows "Link with your phone" again.
      await desktop.page.waitForURL(/\/desktop$/, { timeout: 10_000 });
      await linkQr(desktop.page).waitFor();
      await shot(desktop.page, "link-desktop-revoked");
      assert.equal(await desktop.page.evaluate(() => localStorage.getItem("easyqr.session")), null);
    } finally {
      await closeAll();
    }
  });

  test("opened from the camera app: the phone warns; Deny is final and the desktop says so", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      const url = await desktopQr(desktop.page);
      const phone = await track(launchPhone());
      await signInAs(phone.page, server, ben);
      await phone.page.goto(url);
      const confirm = phone.page.getByRole("region", { name: "Link this computer to your account?" });
      await confirm.getByText("You opened this from outside EasyQR").waitFor();
      assert.equal(new URL(phone.page.url()).hash, "", "the link leaves the address bar");
      await shot(phone.page, "link-phone-warning");
      await confirm.getByRole("button", { name: "Deny" }).click();
      await phone.page.getByRole("heading", { name: "Not linked" }).waitFor();
      await desktop.page.getByRole("status").filter({ hasText: "The phone said no" }).waitFor();
      await desktop.page.getByRole("button", { name: "New code" }).waitFor();
      await shot(desktop.page, "link-desktop-denied");

      // The same link again (a fresh page load): already used.
      await phone.page.goto("about:blank");
      await phone.page.goto(url);
      await phone.page.getByRole("alert").filter({ hasText: "already used" }).waitFor();
      await shot(phone.page, "link-phone-used");
    } finally {
      await closeAll();
    }
  });

  test("a signed-out phone is told to sign in first; the typed code links too", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      await desktopQr(desktop.page);
      // The anonymous scanner pairing is one click away, and back.
      await desktop.page.getByRole("button", { name: "Use your phone as a scanner instead" }).click();
      await desktop.page.getByRole("button", { name: "Create session" }).waitFor();
      await desktop.page.getByRole("button", { name: "Link this computer with your phone instead" }).click();
      await linkQr(desktop.page).waitFor();
      await desktop.page.getByRole("status").filter({ hasText: "Waiting for your phone…" }).waitFor();
      const url = (await linkQr(desktop.page).getAttribute("data-qr-text")) ?? "";
      const stranger = await track(launchPhone());
      await stranger.page.goto(url);
      await stranger.page.getByRole("heading", { name: "Sign in on this phone first" }).waitFor();
      await shot(stranger.page, "link-phone-signed-out");

      const code = (await desktop.page.locator(".link-card .code").textContent()) ?? "";
      const cy = await makeUser(server, "cy@example.com", { name: "Cy Adams", username: "cyadams" });
      const phone = await track(launchPhone());
      await signInAs(phone.page, server, cy);
      await phone.page.goto(`${server.url}/link`);
      await phone.page.getByRole("button", { name: "Type the code instead" }).click();
      const input = phone.page.getByLabel("Code shown on the computer");
      await input.fill(code.toLowerCase());
      await input.press("Enter");
      const confirm = phone.page.getByRole("region", { name: "Link this computer to your account?" });
      await confirm.getByRole("button", { name: "Approve" }).click();
      await desktop.page.waitForURL(/\/home$/);
      await desktop.page
        .getByRole("link", { name: /Cy Adams/ })
        .first()
        .waitFor();
    } finally {
      await closeAll();
    }
  });

  test("at the device limit the phone lists the linked devices; logging one out lets this one link", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const dee = await makeUser(server, "dee@example.com", { name: "Dee Park", username: "deepark" });
      for (let n = 1; n <= 5; n++) await linkDesktopOverApi(server, dee.tokens.accessToken, `Office PC ${n}`);
      const desktop = await track(launchDesktop());
      const url = await desktopQr(desktop.page);
      const phone = await track(launchPhone());
      await signInAs(phone.page, server, dee);
      await phone.page.goto(url);
      const limit = phone.page.getByRole("region", { name: "Too many linked devices" });
      await limit.waitFor();
      assert.equal(await limit.getByTestId("device-row").count(), 5);
      const link = limit.getByRole("button", { name: "Link the computer now" });
      assert.equal(await link.isDisabled(), true, "nothing to retry before one is logged out");
      await shot(phone.page, "link-phone-device-limit");
      await limit.getByTestId("device-row").filter({ hasText: "Office PC 3" }).getByRole("button", { name: "Log out" }).click();
      await limit.getByTestId("device-row").filter({ hasText: "Office PC 3" }).waitFor({ state: "detached" });
      await link.click();
      await phone.page.getByRole("region", { name: "Link this computer to your account?" }).getByRole("button", { name: "Approve" }).click();
      await desktop.page.waitForURL(/\/home$/);
      await desktop.page.getByText("Dee Park").first().waitFor();
    } finally {
      await closeAll();
    }
  });

  test("a desktop that goes away after the scan: the phone says so instead of approving", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const eve = await makeUser(server, "eve@example.com", { name: "Eve Moss", username: "evemoss" });
      const desktop = await track(launchDesktop());
      const url = await desktopQr(desktop.page);
      const phone = await track(launchPhone());
      await signInAs(phone.page, server, eve);
      await phone.page.goto(url);
      await phone.page.getByRole("button", { name: "Approve" }).waitFor();
      await desktop.page.close();
      await phone.page.getByRole("heading", { name: "The computer went away" }).waitFor();
      await shot(phone.page, "link-phone-desktop-gone");
    } finally {
      await closeAll();
    }
  });
});
