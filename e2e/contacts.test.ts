import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, codeFor, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { launchDesktop, launchPhone, shot, track, closeAll } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { lumaFromPng, writeY4m } from "./support/y4m.ts";

const TEST_TIMEOUT = 120_000;

let server: RunningServer;
let videos: string;
let ann: MadeUser;
let ben: MadeUser;
/** A connection row in the sidebar, by the contact's name. */
const connectionRow = (page: Page, name: string) => page.getByTestId("connection-row").filter({ hasText: name });

describe("contacts by QR and live presence in real browsers", { timeout: 6 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    videos = mkdtempSync(join(tmpdir(), "easyqr-y4m-"));
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
    ben = await makeUser(server, "ben@example.com", { name: "Ben Okafor", username: "ben" });
  });

  after(async () => {
    await closeAll();
    await server?.stop();
    if (videos) rmSync(videos, { recursive: true, force: true });
  });

  test("B's phone scans A's My QR, sends a request, A accepts live; both online; B leaves and A sees last seen", { timeout: TEST_TIMEOUT }, async () => {
    try {
      // A, on a computer, shows My QR.
      const a = await track(launchDesktop());
      await signInAs(a.page, server, ann);
      await a.page.goto(`${server.url}/home`);
      await a.page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
      await a.page.getByRole("link", { name: "My QR code" }).click();
      await a.page.getByRole("heading", { level: 1, name: "My QR code" }).waitFor();
      const qr = a.page.getByRole("img", { name: /QR code to add Ann Lee/ });
      await qr.waitFor();
      assert.match((await qr.getAttribute("data-qr-text")) ?? "", new RegExp(`^${server.url}/add#t=[\\w-]{16,}$`));
      await a.page.getByText("@ann").waitFor();
      await shot(a.page, "myqr-desktop");
      await checkA11y(a.page, "My QR (desktop)");

      // B's phone camera sees the QR A's page drew.
      const video = join(videos, "ann.y4m");
      writeY4m(video, await lumaFromPng(a.page, await qr.screenshot()));
      const b = await track(launchPhone(video));
      await signInAs(b.page, server, ben);
      await b.page.goto(`${server.url}/scan`);
      const card = b.page.getByRole("region", { name: "Ann Lee's profile" });
      await card.waitFor();
      await card.getByText("@ann").waitFor();
      const send = card.getByRole("button", { name: "Send request" });
      await send.waitFor();
      await shot(b.page, "preview-phone");
      await checkA11y(b.page, "QR preview card (phone)");

      // Nothing was sent before the tap.
      const pending = (await fetchJson("/api/contacts/requests", ann)) as { incoming: unknown[] };
      assert.equal(pending.incoming.length, 0, "a preview sends nothing");

      await send.click();
      await card.getByRole("status").filter({ hasText: "Request sent" }).waitFor();

      // A sees it live, under the QR, and accepts.
      const request = a.page.getByTestId("request-row").filter({ hasText: "Ben Okafor" });
      await request.waitFor();
      await shot(a.page, "myqr-request-desktop");
      await request.getByRole("button", { name: "Accept Ben Okafor" }).click();
      await request.waitFor({ state: "detached" });

      // Both see each other in their contacts, online.
      await a.page.getByRole("link", { name: "Back to chats" }).click();
      await connectionRow(a.page, "Ben Okafor").getByText("online", { exact: true }).waitFor();
      await b.page.goto(`${server.url}/home`);
      await connectionRow(b.page, "Ann Lee").getByText("online", { exact: true }).waitFor();
      await shot(a.page, "contacts-online-desktop");
      await shot(b.page, "contacts-online-phone");
      await checkA11y(a.page, "contacts (desktop)");
      await checkA11y(b.page, "contacts (phone)");

      // B closes its page: after the server's grace A sees B offline with a last seen, live.
      await b.browser.close();
      await connectionRow(a.page, "Ben Okafor")
        .getByText(/^last seen (just now|1 minute ago)$/)
        .waitFor({ timeout: 30_000 });
      assert.equal(await connectionRow(a.page, "Ben Okafor").getAttribute("data-online"), "false");
      await shot(a.page, "contacts-last-seen-desktop");

      // Settings: the privacy toggle explains itself.
      await a.page.getByRole("link", { name: "Settings" }).click();
      const hide = a.page.getByRole("checkbox", { name: "Hide last seen" });
      await hide.waitFor();
      await a.page.getByText("Your contacts will not see when you were last online, and you will not see theirs.").waitFor();
      await hide.check();
      await a.page.getByRole("status").filter({ hasText: "Last seen is hidden." }).waitFor();
      assert.equal(await hide.isChecked(), true);
      await shot(a.page, "settings-privacy-desktop");
      await checkA11y(a.page, "settings with privacy (desktop)");
    } finally {
      await closeAll();
    }
  });

  test("a contact's /add link opened signed out survives sign-up and onboarding, and opens the add screen", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const gus = await makeUser(server, "gus@example.com", { name: "Gus Park", username: "gus" });
      const qr = (await fetchJson("/api/contacts/qr", gus, "POST")) as { url: string };
      const phone = await track(launchPhone());
      const { page } = phone;
      await page.goto(qr.url);
      await page.getByRole("heading", { level: 1, name: "Sign in to EasyQR" }).waitFor();
      assert.equal(new URL(page.url()).hash, "", "the token left the address bar");
      await page.getByLabel("Email address").fill("hal@example.com");
      await page.getByRole("button", { name: "Send code" }).click();
      await page.getByLabel("6-digit code").fill(await codeFor(server, "hal@example.com"));
      await page.getByRole("heading", { level: 1, name: "Set up your profile" }).waitFor();
      await page.getByLabel("Your name").fill("Hal Ford");
      await page.getByLabel("Username").fill("hal");
      await page.getByRole("status").filter({ hasText: "@hal is available." }).waitFor();
      await page.getByRole("button", { name: "Continue" }).click();

      // Not home: the add screen, with whose link it was.
      await page.getByRole("heading", { level: 1, name: "Add a contact" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/home/add");
      const card = page.getByRole("region", { name: "Gus Park's profile" });
      await card.getByText("@gus").waitFor();
      await shot(page, "add-link-after-signup-phone");
      await card.getByRole("button", { name: "Send request" }).click();
      await card.getByRole("status").filter({ hasText: "Request sent" }).waitFor();
      const pending = (await fetchJson("/api/contacts/requests", gus)) as { incoming: { user: { username: string } }[] };
      assert.deepEqual(
        pending.incoming.map((r) => r.user.username),
        ["hal"],
        "the request was made",
      );

      // The link is spent on arrival: home stays home, a reload of the app does not bring the add screen back.
      await page.goto(`${server.url}/`);
      await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/home");
    } finally {
      await closeAll();
    }
  });

  test("the add page says what went wrong (an unknown username, an expired link) and Done leaves it", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const ola = await makeUser(server, "ola@example.com", { name: "Ola Berg", username: "ola" });
      const pia = await makeUser(server, "pia@example.com", { name: "Pia Lund", username: "pia" });
      const { page } = await track(launchPhone());
      await signInAs(page, server, ola);
      await page.goto(`${server.url}/home`);
      await page.getByRole("link", { name: "Add a contact" }).click();
      await page.getByRole("heading", { level: 1, name: "Add a contact" }).waitFor();
      await page.getByLabel("Username", { exact: true }).fill("nosuchperson");
      await page.getByRole("button", { name: "Find" }).click();
      await page.getByRole("alert").filter({ hasText: "Nobody has the username @nosuchperson. Check the spelling." }).waitFor();
      await shot(page, "add-unknown-username-phone");
      await page.getByLabel("Username", { exact: true }).fill("pia");
      await page.getByRole("button", { name: "Find" }).click();
      const card = page.getByRole("region", { name: "Pia Lund's profile" });
      await card.getByRole("button", { name: "Send request" }).click();
      await card.getByRole("status").filter({ hasText: "Request sent" }).waitFor();
      await card.getByRole("button", { name: "Done" }).click();
      await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/home", "Done leaves the add page");

      // A link whose code has ended (Pia closed My QR): "expired", not "not a valid code".
      const qr = (await fetchJson("/api/contacts/qr", pia, "POST")) as { url: string };
      await fetchJson("/api/contacts/qr", pia, "DELETE");
      await page.goto(qr.url);
      await page.getByRole("alert").filter({ hasText: "This contact code has expired" }).waitFor();
      await shot(page, "add-expired-link-phone");
      await page.getByRole("button", { name: "Done" }).click();
      await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
    } finally {
      await closeAll();
    }
  });

  test("the ⋯ menu closes on a click outside and on Escape; Remove asks in an in-app dialog that keeps the focus", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const dan = await makeUser(server, "dan@example.com", { name: "Dan Moss", username: "dan" });
      const cat = await makeUser(server, "cat@example.com", { name: "Cat Ng", username: "cat" });
      const eve = await makeUser(server, "eve@example.com", { name: "Eve Ito", username: "eve" });
      await connectUsers(server, dan, cat, "dan");
      await connectUsers(server, dan, eve, "dan");
      const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? "");

      const desktop = await track(launchDesktop());
      const { page } = desktop;
      const nativeDialogs: string[] = [];
      page.on("dialog", (dialog) => {
        nativeDialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await signInAs(page, server, cat);
      await page.goto(`${server.url}/home`);
      const row = connectionRow(page, "Dan Moss");
      const more = row.getByRole("button", { name: "More for Dan Moss" });
      const remove = row.getByRole("button", { name: "Remove Dan Moss" });

      await more.click();
      await remove.waitFor();
      await page.getByRole("heading", { level: 1, name: "Chats" }).click();
      await remove.waitFor({ state: "detached" });
      assert.equal(await more.getAttribute("aria-expanded"), "false");

      await more.click();
      await remove.waitFor();
      await page.keyboard.press("Escape");
      await remove.waitFor({ state: "detached" });
      assert.equal(await more.evaluate((el) => el === document.activeElement), true, "Escape gives the focus back to ⋯");

      // Remove: a labelled modal dialog, Cancel focused; Tab and Shift+Tab stay inside; Escape cancels.
      await more.click();
      await remove.click();
      const confirm = page.getByRole("dialog", { name: "Remove Dan Moss?" });
      await confirm.waitFor();
      assert.equal(await confirm.getAttribute("aria-modal"), "true");
      await page.waitForFunction(() => document.activeElement?.textContent === "Cancel", undefined, { timeout: 2_000 });
      await page.keyboard.press("Tab");
      assert.equal(await focused(page), "Remove");
      await page.keyboard.press("Tab");
      assert.equal(await focused(page), "Cancel", "Tab wraps inside the dialog");
      await page.keyboard.press("Shift+Tab");
      assert.equal(await focused(page), "Remove", "Shift+Tab wraps too");
      await shot(page, "contact-remove-confirm-desktop");
      await checkA11y(page, "remove confirmation (desktop)");
      await page.keyboard.press("Escape");
      await confirm.waitFor({ state: "detached" });
      assert.equal(await remove.evaluate((el) => el === document.activeElement), true, "the focus is back on what opened it");
      assert.equal(await row.count(), 1, "nothing removed");

      await remove.click();
      await confirm.getByRole("button", { name: "Remove", exact: true }).click();
      await row.waitFor({ state: "detached" });
      assert.deepEqual(nativeDialogs, [], "never the browser's confirm()");

      // On a phone: a tap beside the menu closes it; the dialog fits the screen and Cancel keeps the contact.
      const phone = await track(launchPhone());
      await signInAs(phone.page, server, eve);
      await phone.page.goto(`${server.url}/home`);
      const phoneRow = connectionRow(phone.page, "Dan Moss");
      await phoneRow.getByRole("button", { name: "More for Dan Moss" }).click();
      await shot(phone.page, "contact-menu-phone");
      await phone.page.getByRole("heading", { level: 2, name: "Contacts" }).click();
      await phoneRow.getByRole("button", { name: "Remove Dan Moss" }).waitFor({ state: "detached" });
      await phoneRow.getByRole("button", { name: "More for Dan Moss" }).click();
      await phoneRow.getByRole("button", { name: "Remove Dan Moss" }).click();
      const phoneConfirm = phone.page.getByRole("dialog", { name: "Remove Dan Moss?" });
      await phoneConfirm.waitFor();
      await shot(phone.page, "contact-remove-confirm-phone");
      await phoneConfirm.getByRole("button", { name: "Cancel" }).click();
      await phoneConfirm.waitFor({ state: "detached" });
      assert.equal(await phoneRow.count(), 1);
    } finally {
      await closeAll();
    }
  });
});

/** A list call as the user over the API, with the access token of their sign-in (still good: the session is live). */
async function fetchJson(path: string, user: MadeUser, method = "GET"): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${user.tokens.accessToken}` } });
  assert.ok(response.ok, `${path}: ${response.status}`);
  if (response.status === 204) return undefined;
  const json: unknown = await response.json();
  return json;
}
