import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import WebSocket from "ws";
import { codeFor, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

let server: RunningServer;
let ann: MadeUser;
let annPhone: MadeUser;
let ben: MadeUser;
let cai: MadeUser;

const row = (page: Page, name: string) => page.getByTestId("chat-row").filter({ hasText: name });

/** Another sign-in (device) of the user with this email: its code is the one after the first. */
async function secondSignIn(email: string, id: string): Promise<MadeUser> {
  const first = await codeFor(server, email);
  const post = async (path: string, body: unknown): Promise<unknown> =>
    (
      await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
    ).json() as Promise<unknown>;
  const { requestId } = (await post("/api/auth/request-code", { email })) as { requestId: string };
  const pattern = new RegExp(`OTP for ${email.replace(/\./g, "\\.")}: (?!${first})(\\d{6})`);
  const code = pattern.exec(await server.waitForLog(pattern))?.[1];
  const { tokens } = (await post("/api/auth/verify-code", { requestId, code })) as { tokens: MadeUser["tokens"] };
  return { id, tokens };
}

/** Sends a message as `from` over its own socket (no browser): what a peer's phone does. */
async function sendAs(from: MadeUser, to: MadeUser, text: string): Promise<void> {
  const opened = await fetch(`${server.url}/api/chats`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${from.tokens.accessToken}` },
    body: JSON.stringify({ userId: to.id }),
  });
  const { id: chatId } = (await opened.json()) as { id: string };
  const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws`);
  await new Promise<void>((resolve, reject) => {
    socket.on("message", (data: Buffer) => {
      const event = JSON.parse(data.toString()) as { type: string };
      if (event.type === "AUTHENTICATED") socket.send(JSON.stringify({ type: "SEND", id: crypto.randomUUID(), chatId, text }));
      if (event.type === "ACK") resolve();
    });
    socket.on("error", reject);
    socket.on("open", () => socket.send(JSON.stringify({ accessToken: from.tokens.accessToken })));
  });
  socket.close();
}

/** Counts the page's `Notification` constructions (the context grants the permission). */
async function watchNotifications(page: Page): Promise<void> {
  // A string, not a function: the test's compiler would add helpers the page does not have.
  await page.addInitScript(`{
    const Native = window.Notification;
    const seen = [];
    Object.defineProperty(window, "__notifications", { value: seen });
    class Watched extends Native {
      constructor(title, options) {
        super(title, options);
        seen.push({ title, body: options && options.body });
      }
    }
    Object.defineProperty(window, "Notification", { value: Watched, configurable: true, writable: true });
  }`);
}

const notifications = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: { title: string; body?: string }[] }).__notifications);

async function choose(page: Page, name: string, item: string): Promise<void> {
  await page.getByRole("button", { name: `Chat options for ${name}` }).click();
  await page.getByRole("menuitem", { name: item }).click();
}

describe("chat list actions and notifications, across a person's two devices", { timeout: 240_000 }, () => {
  before(async () => {
    server = await startServer();
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
    annPhone = await secondSignIn("ann@example.com", ann.id);
    ben = await makeUser(server, "ben@example.com", { name: "Ben Okafor", username: "ben" });
    cai = await makeUser(server, "cai@example.com", { name: "Cai Chen", username: "cai" });
    await connectUsers(server, ann, ben, "ann");
    await connectUsers(server, ann, cai, "ann");
    await sendAs(ben, ann, "Hi from Ben");
    await sendAs(cai, ann, "Hi from Cai");
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("pin, mute, archive and mark unread on the desktop show on the phone live and after it was offline; a notification appears, none for a muted chat", async () => {
    const desk = await track(launchDesktop());
    const phone = await track(launchPhone());
    await desk.context.grantPermissions(["notifications"], { origin: server.url });
    await watchNotifications(desk.page);
    await signInAs(desk.page, server, ann);
    await signInAs(phone.page, server, annPhone);
    await desk.page.goto(`${server.url}/home`);
    await phone.page.goto(`${server.url}/home`);
    await row(desk.page, "Ben Okafor").waitFor();
    await row(phone.page, "Ben Okafor").waitFor();
    // Cai wrote last: Cai on top, until Ben is pinned.
    assert.match((await desk.page.getByTestId("chat-row").first().textContent()) ?? "", /Cai Chen/);

    await choose(desk.page, "Ben Okafor", "Pin chat");
    await desk.page.waitForFunction(() => document.querySelector("[data-testid=chat-row]")?.textContent?.includes("Ben Okafor"));
    await row(phone.page, "Ben Okafor").and(phone.page.locator("[data-pinned=true]")).waitFor();
    assert.match((await phone.page.getByTestId("chat-row").first().textContent()) ?? "", /Ben Okafor/, "pinned first on the phone too");

    await choose(desk.page, "Ben Okafor", "Mute for 8 hours");
    await row(phone.page, "Ben Okafor").getByTestId("muted-icon").waitFor();
    await choose(desk.page, "Cai Chen", "Mark as read");
    await choose(desk.page, "Ben Okafor", "Mark as read");
    await choose(desk.page, "Cai Chen", "Mark as unread");
    await row(phone.page, "Cai Chen").getByTestId("unread-dot").waitFor();
    await shot(desk.page, "chat-actions-desktop");
    await shot(phone.page, "chat-actions-phone");

    // The phone goes offline; the desktop archives Cai's chat; back online, SYNC brings it.
    await phone.context.setOffline(true);
    await choose(desk.page, "Cai Chen", "Archive chat");
    await desk.page.getByTestId("archived-entry").waitFor();
    await phone.page.waitForTimeout(500);
    await phone.context.setOffline(false);
    await phone.page.getByTestId("archived-entry").waitFor({ timeout: 45_000 });
    assert.equal(await row(phone.page, "Cai Chen").count(), 0, "archived: out of the list");
    await phone.page.getByTestId("archived-entry").click();
    await row(phone.page, "Cai Chen").waitFor();
    await shot(phone.page, "chat-archived-phone");

    // A message in the muted chat: no notification, no count; from Cai (archived, not muted): a notification.
    await desk.page.evaluate(() => window.blur());
    await sendAs(ben, ann, "Quiet please");
    await row(desk.page, "Ben Okafor").filter({ hasText: "Quiet please" }).waitFor();
    await sendAs(cai, ann, "Lunch today?");
    await desk.page.waitForFunction(() => (window as unknown as { __notifications: unknown[] }).__notifications.length > 0);
    assert.deepEqual(await notifications(desk.page), [{ title: "Cai Chen", body: "Lunch today?" }]);
    assert.equal(await desk.page.title(), "EasyQR", "muted and archived chats are not counted in the title");
    await shot(desk.page, "chat-archived-entry-desktop");

    // Opening the marked chat clears the dot on both devices.
    await desk.page.getByTestId("archived-entry").click();
    await row(desk.page, "Cai Chen").click();
    await desk.page.waitForURL(/\/home\/chat\//);
    await phone.page.waitForFunction(() => !document.querySelector("[data-testid=unread-dot]"));

    // Settings → Notifications.
    await desk.page.goto(`${server.url}/settings`);
    await desk.page.getByRole("heading", { name: "Notifications" }).scrollIntoViewIfNeeded();
    await desk.page.getByText("Notifications are on for this browser.").waitFor();
    await shot(desk.page, "settings-notifications-desktop");
  });
});
