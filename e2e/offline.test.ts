import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 150_000;

let server: RunningServer;

const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const chatOf = (page: Page, name: string) => page.getByRole("region", { name: `Chat with ${name}` });

/** Waits until the service worker controls the page (it has precached the app shell). */
async function shellCached(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), { once: true }));
  });
}

/** How many records the offline cache holds, over all its stores. */
function cachedRecords(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open("easyqr");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error("the cache would not open"));
    });
    const names = [...db.objectStoreNames];
    if (names.length === 0) return 0;
    const tx = db.transaction(names);
    const counts = await Promise.all(
      names.map(
        (name) =>
          new Promise<number>((resolve) => {
            const request = tx.objectStore(name).count();
            request.onsuccess = () => resolve(request.result);
          }),
      ),
    );
    db.close();
    return counts.reduce((a, b) => a + b, 0);
  });
}

describe("offline: the app and its chats after a reload without network", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test(
    "a reload offline shows the chat list and the last messages, waiting for network; a message typed offline survives a reload and goes once",
    { timeout: TEST_TIMEOUT },
    async () => {
      try {
        const dee = await makeUser(server, "dee-offline@example.com", { name: "Dee Ray", username: "deeoffline" });
        const eli = await makeUser(server, "eli-offline@example.com", { name: "Eli Park", username: "elioffline" });
        await connectUsers(server, dee, eli, "deeoffline");
        const d = await track(launchDesktop());
        const e = await track(launchPhone());
        await signInAs(d.page, server, dee);
        await signInAs(e.page, server, eli);

        // Dee writes; Eli reads it in the chat, then goes back to the list.
        await d.page.goto(`${server.url}/home`);
        await d.page.getByRole("button", { name: "Message Eli Park" }).click();
        await d.page.waitForURL(/\/home\/chat\/[\w-]+$/);
        const chatUrl = d.page.url();
        const dChat = chatOf(d.page, "Eli Park");
        for (const text of ["Morning!", "Train at 9:40, platform 4"]) {
          await dChat.getByRole("textbox", { name: "Message" }).fill(text);
          await dChat.getByRole("textbox", { name: "Message" }).press("Enter");
          await messageWith(d.page, text).getByTestId("tick").waitFor();
        }
        await e.page.goto(chatUrl);
        await messageWith(e.page, "Train at 9:40, platform 4").waitFor();
        await shellCached(e.page);
        await e.page.goto(`${server.url}/home`);
        await e.page.getByTestId("chat-row").filter({ hasText: "Train at 9:40" }).waitFor();
        // The cache writes a few times a second.
        await e.page.waitForTimeout(800);

        // No network, reload: the app comes from the service worker, the chats from IndexedDB.
        await e.context.setOffline(true);
        await e.page.reload();
        const row = e.page.getByTestId("chat-row").filter({ hasText: "Dee Ray" });
        await row.filter({ hasText: "Train at 9:40, platform 4" }).waitFor();
        await e.page.getByTestId("network-status").filter({ hasText: "Waiting for network…" }).waitFor();
        await shot(e.page, "offline-list-phone");
        await checkA11y(e.page, "chat list offline (phone)");

        await row.click();
        const eChat = chatOf(e.page, "Dee Ray");
        await messageWith(e.page, "Morning!").waitFor();
        await messageWith(e.page, "Train at 9:40, platform 4").waitFor();

        // Typed offline: pending; a reload (still offline) keeps it.
        await eChat.getByRole("textbox", { name: "Message" }).fill("See you there, written offline");
        await eChat.getByRole("textbox", { name: "Message" }).press("Enter");
        const pending = e.page.getByTestId("pending-message").filter({ hasText: "See you there, written offline" });
        await pending.waitFor();
        await e.page.waitForTimeout(300);
        await e.page.reload();
        await pending.waitFor();
        await messageWith(e.page, "Train at 9:40, platform 4").waitFor();
        await shot(e.page, "offline-chat-pending-phone");
        await e.page.waitForTimeout(1_000);
        assert.equal(await messageWith(d.page, "written offline").count(), 0, "nothing went out offline");

        // The network is back: it goes, once.
        await e.context.setOffline(false);
        await messageWith(d.page, "See you there, written offline").waitFor({ timeout: 30_000 });
        await pending.waitFor({ state: "detached" });
        await e.page.getByTestId("network-status").waitFor({ state: "detached" });
        await e.page.waitForTimeout(1_500);
        assert.equal(await messageWith(d.page, "See you there, written offline").count(), 1, "the peer sees it once");
        assert.equal(await messageWith(e.page, "See you there, written offline").count(), 1);
        const history = await fetch(`${server.url}/api/chats/${chatUrl.split("/").at(-1) ?? ""}/messages?limit=100`, {
          headers: { authorization: `Bearer ${dee.tokens.accessToken}` },
        });
        const { messages } = (await history.json()) as { messages: { text: string | null }[] };
        assert.equal(messages.filter((m) => m.text === "See you there, written offline").length, 1, "one row on the server");

        // Signing out empties the cache.
        assert.ok((await cachedRecords(e.page)) > 0);
        await e.page.goto(`${server.url}/settings`);
        await e.page.getByRole("button", { name: "Log out", exact: true }).click();
        await e.page.waitForURL((url) => !url.pathname.startsWith("/settings"));
        await e.page.waitForTimeout(500);
        assert.equal(await cachedRecords(e.page), 0, "nothing of the account stays");
      } finally {
        await closeAll();
      }
    },
  );
});
