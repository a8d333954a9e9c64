// The web client's half of the desktop app's bridge, in Chromium: the page is given the bridge
// the preload would expose (window.easyqrDesktop; Electron itself is not installable here, its
// half is unit-tested in desktop-app/) and follows a person's chats into it.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 120_000;

// A string, not a function: the test runner's transpiler would add helpers the page does not have.
// Like contextBridge, a read-only property holding a frozen object; the calls are recorded, and
// `focused` stands for whether the app's window has the focus.
const fakeBridge = `(() => {
  const desktop = { focused: true, calls: [] };
  Object.defineProperty(window, "__desktop", { value: desktop });
  Object.defineProperty(window, "easyqrDesktop", {
    value: Object.freeze({
      showNotification: (n) => {
        desktop.calls.push(["showNotification", JSON.parse(JSON.stringify(n))]);
        return Promise.resolve(!desktop.focused);
      },
      setBadgeCount: (count) => {
        desktop.calls.push(["setBadgeCount", count]);
        return Promise.resolve();
      },
    }),
  });
  Document.prototype.hasFocus = () => desktop.focused;
})();`;

type Call = ["showNotification", { tag: string; title: string; body: string }] | ["setBadgeCount", number];

const callsOf = (page: Page) => page.evaluate(() => (window as unknown as { __desktop: { calls: Call[] } }).__desktop.calls);
const notifications = async (page: Page) => (await callsOf(page)).flatMap((c) => (c[0] === "showNotification" ? [c[1]] : []));

/** Polls from the test (page.evaluate, which the page's CSP allows; a string predicate would be an eval it refuses). */
async function waitForCalls(page: Page, done: (calls: Call[]) => boolean, what: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const calls = await callsOf(page);
    if (done(calls)) return;
    if (Date.now() > until) throw new Error(`never saw ${what}; calls: ${JSON.stringify(calls)}`);
    await page.waitForTimeout(50);
  }
}

const waitForBadge = (page: Page, count: number) =>
  waitForCalls(page, (calls) => calls.filter((c) => c[0] === "setBadgeCount").at(-1)?.[1] === count, `the badge at ${count}`);

function setFocused(page: Page, focused: boolean): Promise<void> {
  return page.evaluate(`(() => {
    window.__desktop.focused = ${focused};
    window.dispatchEvent(new Event(${focused} ? "focus" : "blur"));
  })()`);
}

/** Sends chat messages as `token`'s user over its own socket, from `page` (which speaks WebSocket). */
async function sendAs(page: Page, server: RunningServer, token: string, chatId: string, texts: string[]): Promise<void> {
  const params = JSON.stringify({ url: server.url.replace("http", "ws") + "/ws", token, chatId, texts });
  await page.evaluate(`(async ({ url, token, chatId, texts }) => {
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
    for (const [i, text] of texts.entries()) {
      const id = "bridge-" + Date.now() + "-" + i;
      const ack = await new Promise((resolve) => {
        acks.set(id, resolve);
        socket.send(JSON.stringify({ type: "SEND", id, chatId, text }));
      });
      if (!ack.message) throw new Error("not sent: " + JSON.stringify(ack));
    }
    socket.close();
  })(${params})`);
}

describe("in the desktop app, the web client reports new messages and the unread count", { timeout: 2 * TEST_TIMEOUT }, () => {
  let server: RunningServer;
  let ann: MadeUser;
  let ben: MadeUser;

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

  test("a message while the window is not focused is a notification; the badge follows unread, read or not", { timeout: TEST_TIMEOUT }, async () => {
    const opened = await fetch(`${server.url}/api/chats`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ben.tokens.accessToken}` },
      body: JSON.stringify({ userId: ann.id }),
    });
    const { id: chatId } = (await opened.json()) as { id: string };
    // Ben wrote before Ann opened the app: that is her backlog, on the badge but not announced.
    const sender = await track(launchDesktop());
    await sender.page.goto(`${server.url}/`);
    await sendAs(sender.page, server, ben.tokens.accessToken, chatId, ["Hi"]);

    const a = await track(launchDesktop());
    await a.context.addInitScript({ content: fakeBridge });
    await signInAs(a.page, server, ann);
    await a.page.goto(`${server.url}/home`);
    const row = a.page.getByTestId("chat-row").filter({ hasText: "Ben Okafor" });
    await row.getByTestId("chat-preview").getByText("Hi").waitFor();
    await waitForBadge(a.page, 1);

    // Ann's window loses the focus; Ben writes.
    await setFocused(a.page, false);
    await sendAs(sender.page, server, ben.tokens.accessToken, chatId, ["Hello Ann"]);
    await waitForBadge(a.page, 2);
    await waitForCalls(a.page, (calls) => calls.some((c) => c[0] === "showNotification"), "a notification");
    assert.deepEqual(await notifications(a.page), [{ tag: chatId, title: "Ben Okafor", body: "Hello Ann" }]);

    // With the focus back, a message moves the badge only: the page shows it.
    await setFocused(a.page, true);
    await sendAs(sender.page, server, ben.tokens.accessToken, chatId, ["Still there?"]);
    await waitForBadge(a.page, 3);
    await row.getByTestId("chat-preview").getByText("Still there?").waitFor();
    assert.equal((await notifications(a.page)).length, 1);

    // Ann reads the chat: the badge clears.
    await row.click();
    await a.page.getByRole("region", { name: "Chat with Ben Okafor" }).getByText("Still there?").waitFor();
    await waitForBadge(a.page, 0);
    assert.deepEqual(
      [...a.errors, ...sender.errors].filter((e) => !e.includes("favicon")),
      [],
    );
  });

  test("in a plain browser there is no bridge and nothing breaks", { timeout: TEST_TIMEOUT }, async () => {
    const ada = await makeUser(server, "ada@example.com", { name: "Ada Byron", username: "ada" });
    await connectUsers(server, ada, ben, "ada");
    const a = await track(launchDesktop());
    await signInAs(a.page, server, ada);
    await a.page.goto(`${server.url}/home`);
    await a.page.getByRole("button", { name: "Message Ben Okafor" }).waitFor();
    assert.equal(await a.page.evaluate(() => "easyqrDesktop" in window), false);
    assert.deepEqual(
      a.errors.filter((e) => !e.includes("favicon")),
      [],
    );
  });
});
