import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 150_000;

let server: RunningServer;

/** `count` filler messages from `sender` over its own socket, opened from `page` (which speaks WebSocket). */
async function sendFiller(page: Page, sender: MadeUser, chatId: string, count: number): Promise<number> {
  const params = JSON.stringify({ url: server.url.replace("http", "ws") + "/ws", token: sender.tokens.accessToken, chatId, count });
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  return page.evaluate(`(async ({ url, token, chatId, count }) => {
    const socket = new WebSocket(url);
    const acks = new Map();
    await new Promise((resolve) => {
      socket.onmessage = (e) => {
        const event = JSON.parse(String(e.data));
        if (event.type === "AUTHENTICATED") resolve();
        if (event.type === "ACK") acks.get(event.id)?.(event);
      };
      socket.onopen = () => socket.send(JSON.stringify({ accessToken: token }));
    });
    const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < count; i++) {
      const id = crypto.randomUUID();
      for (;;) {
        const ack = await new Promise((resolve) => {
          acks.set(id, resolve);
          socket.send(JSON.stringify({ type: "SEND", id, chatId, text: "Filler message number " + i }));
        });
        if (ack.message) break;
        await pause(1000);
      }
      await pause(30);
    }
    socket.close();
    return count;
  })(${params})`);
}

const message = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });

/** The message is on screen and highlighted as the one searched for. */
async function shownHighlighted(page: Page, text: string): Promise<void> {
  await page.waitForFunction((wanted) => {
    const row = [...document.querySelectorAll("[data-testid=message]")].find((m) => m.textContent?.includes(wanted));
    const box = row?.getBoundingClientRect();
    return !!row?.querySelector(".bubble--highlight") && box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
  }, text);
}

describe("search: chats by name, messages by word, a hit opened in its chat", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("two people chat; each searches a word on phone and desktop and lands on the message, highlighted", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const ann = await makeUser(server, "ann.search@example.com", { name: "Ann Sørensen", username: "annsearch" });
      const ben = await makeUser(server, "ben.search@example.com", { name: "Ben Okafor", username: "bensearch" });
      await connectUsers(server, ann, ben, "annsearch");

      // Ann (desktop) writes the message they will look for later.
      const a = await track(launchDesktop());
      await signInAs(a.page, server, ann);
      await a.page.goto(`${server.url}/home`);
      await a.page.getByRole("button", { name: "Message Ben Okafor" }).click();
      const chat = a.page.getByRole("region", { name: "Chat with Ben Okafor" });
      const box = chat.getByRole("textbox", { name: "Message" });
      await box.fill("Shall we meet at the lighthouse on Sunday? <b>not bold</b>");
      await box.press("Enter");
      await message(a.page, "lighthouse").waitFor();
      const chatId = a.page.url().split("/").at(-1) ?? "";

      // Ben answers with more than a page of messages, so the one found is far above the newest.
      assert.equal(await sendFiller(a.page, ben, chatId, 70), 70);

      // Ben, on his phone, searches "lightho" and opens the hit.
      const b = await track(launchPhone());
      await signInAs(b.page, server, ben);
      await b.page.goto(`${server.url}/home`);
      const search = b.page.getByRole("combobox", { name: "Search chats and messages" });
      await search.fill("lightho");
      const hit = b.page.getByTestId("search-hit");
      await hit.waitFor();
      assert.equal(await hit.count(), 1);
      assert.equal(await hit.locator("mark").textContent(), "lighthouse");
      assert.match((await hit.textContent()) ?? "", /Ann Sørensen.*<b>not bold<\/b>/, "the snippet is text: markup shows as written");
      await shot(b.page, "search-hits-phone");
      await checkA11y(b.page, "search results (phone)");
      await hit.click();
      await b.page.waitForURL(new RegExp(`/home/chat/${chatId}`));
      await shownHighlighted(b.page, "lighthouse");
      await shot(b.page, "search-hit-opened-phone");

      // Ann, on the desktop, by keyboard: "sunday", arrow down to the hit, Enter.
      await a.page.goto(`${server.url}/home`);
      const desk = a.page.getByRole("combobox", { name: "Search chats and messages" });
      await desk.click();
      await desk.pressSequentially("ben");
      await a.page.getByTestId("search-name").filter({ hasText: "Ben Okafor" }).waitFor();
      await shot(a.page, "search-names-desktop");
      await desk.fill("");
      await desk.pressSequentially("SUNDAY");
      await a.page.getByTestId("search-hit").waitFor();
      await desk.press("ArrowDown");
      await desk.press("ArrowUp");
      const active = await desk.getAttribute("aria-activedescendant");
      assert.ok(active, "a result is the active option");
      assert.equal(await a.page.locator(`[id="${active}"]`).getAttribute("data-testid"), "search-hit");
      await shot(a.page, "search-hits-desktop");
      await desk.press("Enter");
      await shownHighlighted(a.page, "lighthouse");
      await shot(a.page, "search-hit-opened-desktop");

      // No result, then Escape clears the box and the chat list is back.
      await desk.fill("zebracrossing");
      await a.page.getByTestId("search-empty").filter({ hasText: "No chats, contacts or messages found." }).waitFor();
      await shot(a.page, "search-empty-desktop");
      await desk.press("Escape");
      assert.equal(await desk.inputValue(), "");
      await a.page.getByTestId("chat-list").waitFor();
      assert.deepEqual(
        [...a.errors, ...b.errors].filter((e) => !e.includes("favicon")),
        [],
      );
    } finally {
      await closeAll();
    }
  });
});
