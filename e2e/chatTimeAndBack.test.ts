import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { connectUsers, makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { controlSockets, dropNetwork, restoreNetwork } from "./support/network.ts";

const TEST_TIMEOUT = 120_000;

let server: RunningServer;
const timeOf = (page: Page, testId: string, text: string) => page.getByTestId(testId).filter({ hasText: text }).locator("time").getAttribute("datetime");

describe("the time of a queued message, and the back arrow, in real browsers", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("queued, then delivered seconds later: my bubble shows when I wrote it, not when the server got it", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const kim = await makeUser(server, "kim@example.com", { name: "Kim Roe", username: "kim" });
      const lou = await makeUser(server, "lou@example.com", { name: "Lou Day", username: "lou" });
      await connectUsers(server, kim, lou, "kim");
      const k = await track(launchDesktop());
      await controlSockets(k);
      await signInAs(k.page, server, kim);
      await k.page.goto(`${server.url}/home`);
      await k.page.getByRole("button", { name: "Message Lou Day" }).click();
      const chat = k.page.getByRole("region", { name: "Chat with Lou Day" });
      await chat.getByRole("textbox", { name: "Message" }).waitFor();

      await dropNetwork(k);
      await chat.getByRole("textbox", { name: "Message" }).fill("Written on the train");
      await chat.getByRole("textbox", { name: "Message" }).press("Enter");
      const written = await timeOf(k.page, "pending-message", "Written on the train");
      assert.ok(written, "the queued bubble has a time");
      await k.page.waitForTimeout(2_500);

      await restoreNetwork(k);
      const sent = k.page.getByTestId("message").filter({ hasText: "Written on the train" });
      await sent.waitFor({ timeout: 30_000 });
      assert.equal(await timeOf(k.page, "message", "Written on the train"), written, "the time it was written, kept after delivery");
      await shot(k.page, "queued-time-after-delivery-desktop");

      // The server's own stamp is the later delivery time (that is what the bubble used to show), and a reload keeps the written time.
      const chatId = k.page.url().split("/").at(-1) ?? "";
      const answer = await fetch(`${server.url}/api/chats/${chatId}/messages?limit=10`, { headers: { authorization: `Bearer ${lou.tokens.accessToken}` } });
      const { messages } = (await answer.json()) as { messages: { text: string | null; createdAt: number }[] };
      const stored = messages.find((m) => m.text === "Written on the train");
      assert.ok(stored && stored.createdAt - Date.parse(written) >= 2_000, "delivered at least 2 s after it was written");
      await k.page.reload();
      await sent.waitFor();
      assert.equal(await timeOf(k.page, "message", "Written on the train"), written);
    } finally {
      await closeAll();
    }
  });

  test("the back arrow goes back in history when the app brought you there, else up to the chats", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const mia = await makeUser(server, "mia@example.com", { name: "Mia Holt", username: "mia" });
      const ned = await makeUser(server, "ned@example.com", { name: "Ned Vance", username: "ned" });
      await connectUsers(server, mia, ned, "mia");
      const { page } = await track(launchPhone());
      await signInAs(page, server, mia);
      await page.goto(`${server.url}/home`);
      await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
      // Wording for a phone: nothing about "this computer".
      const tools = page.getByRole("navigation", { name: "Scanner tools" });
      await tools.getByRole("link", { name: "Scan a contact's QR, or use this phone as a scanner" }).waitFor();
      assert.doesNotMatch((await tools.textContent()) ?? "", /this computer|with your phone/);
      const entries = () => page.evaluate(() => history.length);
      const before = await entries();

      // Home → Settings → back: home again, and the browser's back no longer leads to Settings.
      await page.getByRole("link", { name: "Settings" }).click();
      await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
      await page.getByRole("link", { name: "Back to chats" }).click();
      await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/home");
      assert.equal(await page.evaluate(() => (history.state as { idx: number }).idx), 0, "back in history, not a new entry");

      // Home → a chat → back, on the phone: the same.
      await page.getByRole("button", { name: "Message Ned Vance" }).click();
      await page.waitForURL(/\/home\/chat\//);
      await page.getByRole("region", { name: "Chat with Ned Vance" }).getByRole("link", { name: "Back to chats" }).click();
      await page.waitForURL(/\/home$/);
      assert.equal(await page.evaluate(() => (history.state as { idx: number }).idx), 0);
      assert.equal(await entries(), before + 1, "one forward entry left, nothing piled up");

      // Opened straight at a sub-page (a bookmark): back goes up to the chats.
      await page.goto(`${server.url}/home/qr`);
      await page.getByRole("heading", { level: 1, name: "My QR code" }).waitFor();
      await page.getByRole("link", { name: "Back to chats" }).click();
      await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/home");
    } finally {
      await closeAll();
    }
  });
});
