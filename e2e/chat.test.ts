import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 150_000;

let server: RunningServer;
let ann: MadeUser;
let ben: MadeUser;

const chatRow = (page: Page, name: string) => page.getByTestId("chat-row").filter({ hasText: name });
const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const tickOf = (page: Page, text: string) => messageWith(page, text).getByTestId("tick");

async function waitForTick(page: Page, text: string, tick: "sent" | "delivered" | "seen"): Promise<void> {
  await page.waitForFunction(
    ([t, want]) => [...document.querySelectorAll("[data-testid=message]")].some((m) => m.textContent?.includes(t) && m.querySelector(`[data-tick=${want}]`)),
    [text, tick] as const,
  );
}

describe("two people chat live in real browsers", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
    ben = await makeUser(server, "ben@example.com", { name: "Ben Okafor", username: "ben" });
    await connectUsers(server, ann, ben, "ann");
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("text, typing, unread badge, ticks sent → delivered → seen, reply and reaction; desktop and phone", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const a = await track(launchDesktop());
      const b = await track(launchPhone());
      await signInAs(a.page, server, ann);
      await signInAs(b.page, server, ben);
      await a.page.goto(`${server.url}/home`);
      await b.page.goto(`${server.url}/home`);

      // Ann starts the chat from her contacts.
      await a.page.getByRole("button", { name: "Message Ben Okafor" }).click();
      await a.page.waitForURL(/\/home\/chat\/[\w-]+$/);
      const aChat = a.page.getByRole("region", { name: "Chat with Ben Okafor" });
      await aChat.getByRole("heading", { name: "Ben Okafor" }).waitFor();
      await aChat.getByTestId("chat-status").getByText("online").waitFor();
      await shot(a.page, "chat-empty-desktop");

      const aField = aChat.getByRole("textbox", { name: "Message" });
      await aField.fill("Hello Ben");
      await aField.press("Enter");
      await messageWith(a.page, "Hello Ben").waitFor();

      // Ben, on his chat list, gets it live with an unread badge; his app marks it delivered.
      const row = chatRow(b.page, "Ann Lee");
      await row.getByTestId("unread-badge").getByText("1").waitFor();
      await row.getByText("Hello Ben").waitFor();
      await waitForTick(a.page, "Hello Ben", "delivered");

      // Ann typing shows in place of the preview.
      await aField.pressSequentially("Are you", { delay: 30 });
      await row.getByTestId("chat-preview").getByText("typing…").waitFor();
      await shot(b.page, "chatlist-typing-phone");
      await aField.pressSequentially(" there?");
      await aField.press("Enter");
      await row.getByTestId("unread-badge").getByText("2").waitFor();
      await row.getByTestId("chat-preview").getByText("Are you there?").waitFor();
      assert.equal(await b.page.title(), "(2) EasyQR", "the tab shows that messages wait");
      await shot(b.page, "chatlist-unread-phone");
      await checkA11y(b.page, "chat list (phone)");
      assert.equal(await tickOf(a.page, "Are you there?").getAttribute("data-tick"), "delivered");

      // Ben opens the chat: the badge clears and Ann's ticks turn to seen.
      await row.click();
      await b.page.waitForURL(/\/home\/chat\//);
      const bChat = b.page.getByRole("region", { name: "Chat with Ann Lee" });
      await messageWith(b.page, "Are you there?").waitFor();
      await waitForTick(a.page, "Are you there?", "seen");
      await waitForTick(a.page, "Hello Ben", "seen");
      await b.page.waitForFunction(() => document.title === "EasyQR");
      await shot(a.page, "chat-seen-desktop");

      // Ben replies to the first message, quoting it; Ann sees Ben typing first.
      await messageWith(b.page, "Hello Ben").getByRole("button", { name: "Message actions" }).click();
      await b.page.getByRole("button", { name: "Reply", exact: true }).click();
      const bField = bChat.getByRole("textbox", { name: "Message" });
      await bField.pressSequentially("Hi Ann!", { delay: 30 });
      await aChat.getByTestId("typing").getByText("Ben Okafor is typing…").waitFor();
      await aChat.getByTestId("chat-status").getByText("typing…").waitFor();
      await shot(b.page, "chat-reply-phone");
      await bField.press("Enter");
      const reply = messageWith(a.page, "Hi Ann!");
      await reply.waitFor();
      await reply.getByRole("button", { name: /Go to the message replied to: Hello Ben/ }).waitFor();
      await aChat.getByTestId("typing").waitFor({ state: "detached" });

      // Ann reacts with a thumbs up; Ben sees it.
      await reply.getByRole("button", { name: "Message actions" }).click();
      await a.page.getByRole("button", { name: "React 👍" }).click();
      await messageWith(b.page, "Hi Ann!").getByTestId("reactions").getByText("👍").waitFor();
      await reply.getByTestId("reactions").getByText("👍").waitFor();
      await waitForTick(b.page, "Hi Ann!", "seen");

      await shot(a.page, "chat-desktop");
      await shot(b.page, "chat-phone");
      await checkA11y(a.page, "chat window (desktop)");
      await checkA11y(b.page, "chat window (phone)");

      // Back on the phone's list: no badge left; Ann's list shows Ben's reply as the preview.
      await bChat.getByRole("link", { name: "Back to chats" }).click();
      await chatRow(b.page, "Ann Lee").waitFor();
      assert.equal(await chatRow(b.page, "Ann Lee").getByTestId("unread-badge").count(), 0);
      await chatRow(a.page, "Ben Okafor").getByText("Hi Ann!").waitFor();
      await shot(b.page, "chatlist-phone");
      await shot(a.page, "chatlist-desktop");
      assert.deepEqual(
        [...a.errors, ...b.errors].filter((e) => !e.includes("favicon")),
        [],
      );
    } finally {
      await closeAll();
    }
  });

  test("a long history is virtualised; a reply to an old message jumps to it, loading older pages", { timeout: TEST_TIMEOUT }, async () => {
    try {
      // A third person (a refresh token is single use, and Ann's went to the first test's browser).
      const cy = await makeUser(server, "cy@example.com", { name: "Cy Adams", username: "cyadams" });
      await connectUsers(server, cy, ben, "cyadams");
      const a = await track(launchDesktop());
      const opened = await fetch(`${server.url}/api/chats`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${cy.tokens.accessToken}` },
        body: JSON.stringify({ userId: ben.id }),
      });
      const { id: chatId } = (await opened.json()) as { id: string };
      await a.page.goto(`${server.url}/`);
      // Ben sends 180 messages (over three pages) over his own socket (from this page, which speaks WebSocket), the last replying to the first.
      const params = JSON.stringify({ url: server.url.replace("http", "ws") + "/ws", token: ben.tokens.accessToken, chatId, count: 180 });
      // A string, not a function: the test runner's transpiler would add helpers the page does not have.
      const sent = await a.page.evaluate(`(async ({ url, token, chatId, count }) => {
        const socket = new WebSocket(url);
        const acks = new Map();
        const ready = new Promise((resolve) => {
          socket.onmessage = (e) => {
            const event = JSON.parse(String(e.data));
            if (event.type === "AUTHENTICATED") resolve();
            if (event.type === "ACK") acks.get(event.id)?.(event);
          };
        });
        socket.onopen = () => socket.send(JSON.stringify({ accessToken: token }));
        await ready;
        const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
        // Paced under the server's per-socket rate limit; a refused one goes again with its id.
        const send = async (id, text, replyToId) => {
          for (;;) {
            const ack = await new Promise((resolve) => {
              acks.set(id, resolve);
              socket.send(JSON.stringify({ type: "SEND", id, chatId, text, ...(replyToId ? { replyToId } : {}) }));
            });
            if (ack.message) return ack.message;
            await pause(1000);
          }
        };
        const first = await send("seed-0", "The very first of many");
        for (let i = 1; i < count; i++) {
          await send("seed-" + i, "Filler message number " + i);
          await pause(30);
        }
        await send("seed-last", "Replying to the very first", first.id);
        socket.close();
        return count + 1;
      })(${params})`);
      assert.equal(sent, 181);

      await signInAs(a.page, server, cy);
      await a.page.goto(`${server.url}/home/chat/${chatId}`);
      const last = messageWith(a.page, "Replying to the very first");
      await last.waitFor();
      const rendered = await a.page.getByTestId("message").count();
      assert.ok(rendered < 60, `only the rows on screen are in the page (${rendered})`);
      await shot(a.page, "chat-long-desktop");

      await last.getByRole("button", { name: /Go to the message replied to/ }).click();
      const original = messageWith(a.page, "The very first of many");
      await original.waitFor({ timeout: 30_000 });
      await a.page.waitForFunction(() => {
        const el = [...document.querySelectorAll("[data-testid=message]")].find((m) => m.textContent?.includes("The very first of many"));
        const box = el?.getBoundingClientRect();
        return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
      });
      await a.page.waitForTimeout(500);
      await shot(a.page, "chat-jumped-desktop");
      const box = await original.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= 800, "the original stays in view");

      // Reading back, a new message is not seen until the newest is on screen again.
      const theirSeen = async () => {
        const response = await fetch(`${server.url}/api/chats/${chatId}`, { headers: { authorization: `Bearer ${ben.tokens.accessToken}` } });
        return ((await response.json()) as { theirs: { seenSeq: number } }).theirs.seenSeq;
      };
      await a.page.evaluate(`(async ({ url, token, chatId }) => {
        const socket = new WebSocket(url);
        await new Promise((resolve) => {
          socket.onmessage = (e) => {
            const event = JSON.parse(String(e.data));
            if (event.type === "AUTHENTICATED") socket.send(JSON.stringify({ type: "SEND", id: "late-1", chatId, text: "Are you still reading back?" }));
            if (event.type === "ACK") resolve();
          };
          socket.onopen = () => socket.send(JSON.stringify({ accessToken: token }));
        });
        socket.close();
      })(${params})`);
      const toNewest = a.page.getByRole("button", { name: "1 unread: go to the newest message" });
      await toNewest.waitFor();
      await shot(a.page, "chat-reading-back-desktop");
      await a.page.waitForTimeout(1_000);
      assert.equal(await theirSeen(), 181, "not seen while reading back");
      await toNewest.click();
      await messageWith(a.page, "Are you still reading back?").waitFor();
      for (let i = 0; i < 50 && (await theirSeen()) !== 182; i++) await a.page.waitForTimeout(100);
      assert.equal(await theirSeen(), 182, "seen once the newest is on screen");
      await toNewest.waitFor({ state: "detached" });
    } finally {
      await closeAll();
    }
  });
});
