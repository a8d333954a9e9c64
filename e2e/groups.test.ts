import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Locator, Page } from "playwright-core";
import { checkA11y, codeFor, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { lumaFromPng, writeY4m } from "./support/y4m.ts";

const TEST_TIMEOUT = 240_000;
/** A loaded machine (2 cores, several engineers): live changes get this long to show. */
const LIVE = { timeout: 20_000 };

let server: RunningServer;
let videos: string;
let ann: MadeUser;
let ben: MadeUser;
let cy: MadeUser;

const messageWith = (page: Page | Locator, text: string) => page.getByTestId("message").filter({ hasText: text });
const systemLine = (page: Page | Locator, text: string | RegExp) => page.getByTestId("system-line").filter({ hasText: text });
const groupRow = (page: Page, name: string) => page.getByTestId("chat-row").filter({ hasText: name });
const field = (page: Page | Locator) => page.getByRole("textbox", { name: "Message" });

async function say(page: Page | Locator, text: string): Promise<void> {
  await field(page).fill(text);
  await field(page).press("Enter");
  await messageWith(page, text).getByTestId("tick").and(page.locator("[data-tick='sent'], [data-tick='delivered'], [data-tick='seen']")).waitFor(LIVE);
}

function zbarRead(png: Buffer): string | undefined {
  try {
    execFileSync("zbarimg", ["--version"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const file = join(videos, "invite.png");
  writeFileSync(file, png);
  try {
    return execFileSync("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

/** A REST call of the groups contract as `user`. */
async function call(user: MadeUser, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${user.tokens.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** `user` writes in a chat over their own socket, from `page` (which speaks WebSocket). */
async function writes(page: Page, user: MadeUser, chatId: string, text: string, mentions: string[] = []): Promise<void> {
  const params = JSON.stringify({ url: server.url.replace("http", "ws") + "/ws", token: user.tokens.accessToken, chatId, text, mentions });
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  const acked = await page.evaluate(`(async ({ url, token, chatId, text, mentions }) => {
    const socket = new WebSocket(url);
    const acked = new Promise((resolve) => {
      socket.onmessage = (e) => {
        const event = JSON.parse(String(e.data));
        if (event.type === "AUTHENTICATED") socket.send(JSON.stringify({ type: "SEND", id: crypto.randomUUID(), chatId, text, mentions }));
        if (event.type === "ACK") resolve(Boolean(event.message));
      };
    });
    socket.onopen = () => socket.send(JSON.stringify({ accessToken: token }));
    const ok = await acked;
    socket.close();
    return ok;
  })(${params})`);
  assert.equal(acked, true, "the message was stored");
}

describe("a group run by three people in real browsers", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    videos = mkdtempSync(join(tmpdir(), "easyqr-group-y4m-"));
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
    ben = await makeUser(server, "ben@example.com", { name: "Ben Okafor", username: "ben" });
    // Cy is nobody's connection: she comes in through the group's QR.
    cy = await makeUser(server, "cy@example.com", { name: "Cy Park", username: "cypark" });
    await connectUsers(server, ann, ben, "ann");
  });

  after(async () => {
    await closeAll();
    await server?.stop();
    if (videos) rmSync(videos, { recursive: true, force: true });
  });

  test("create → invite by QR through the camera → chat with mentions → reactions → message info → leave", { timeout: TEST_TIMEOUT }, async () => {
    const pages: Page[] = [];
    try {
      // Ann on her desktop makes the group with Ben.
      const a = await track(launchDesktop());
      pages.push(a.page);
      await signInAs(a.page, server, ann);
      await a.page.goto(`${server.url}/home`);
      await a.page.getByRole("button", { name: "New group" }).click();
      const dialog = a.page.getByTestId("new-group");
      await dialog.getByRole("heading", { name: "New group" }).waitFor();
      await dialog.getByRole("searchbox", { name: "Search contacts" }).fill("ben");
      await dialog.getByRole("checkbox", { name: /Ben Okafor/ }).check();
      await dialog.getByRole("textbox", { name: "Group name" }).fill("Climbing");
      await dialog.getByRole("textbox", { name: "Description (optional)" }).fill("Sundays at the crag");
      await shot(a.page, "groups-new-desktop");
      await checkA11y(a.page, "new group (desktop)");
      await dialog.getByRole("button", { name: "Create group" }).click();
      const aChat = a.page.getByRole("region", { name: "Chat with Climbing" });
      await systemLine(aChat, "You created the group “Climbing”").waitFor(LIVE);
      await systemLine(aChat, "You added Ben Okafor").waitFor(LIVE);
      await groupRow(a.page, "Climbing").and(a.page.locator("[data-kind='group']")).waitFor();

      // Ben's phone has the group, live, with what happened.
      const b = await track(launchPhone());
      pages.push(b.page);
      await signInAs(b.page, server, ben);
      await b.page.goto(`${server.url}/home`);
      await groupRow(b.page, "Climbing").click();
      const bChat = b.page.getByRole("region", { name: "Chat with Climbing" });
      await systemLine(bChat, "Ann Lee added you").waitFor(LIVE);
      await shot(b.page, "groups-chat-phone-new");

      // Ann shows the group's QR; its text decodes at device pixel ratio 1.
      await aChat.getByRole("button", { name: "Group info for Climbing" }).click();
      const info = a.page.getByTestId("group-info");
      await info.getByRole("heading", { name: "Climbing" }).waitFor();
      await info.getByTestId("group-member").filter({ hasText: "You" }).getByText("Admin").waitFor();
      await info.getByRole("button", { name: "Make an invite link" }).click();
      const qr = info.getByRole("img", { name: "QR code to join Climbing on EasyQR" });
      await qr.waitFor();
      const url = (await qr.getAttribute("data-qr-text")) ?? "";
      assert.match(url, new RegExp(`^${server.url}/join#t=[\\w-]{16,64}$`));
      await shot(a.page, "groups-info-admin-desktop");
      await checkA11y(a.page, "group info (admin, desktop)");
      await qr.scrollIntoViewIfNeeded();
      assert.equal(await qr.evaluate(() => window.devicePixelRatio), 1);
      const png = await qr.screenshot();
      const read = zbarRead(png);
      if (read !== undefined) assert.equal(read, url, "zbarimg reads the invite QR");
      const video = join(videos, "invite.y4m");
      writeY4m(video, await lumaFromPng(a.page, png));
      await info.getByRole("button", { name: "Close group info" }).click();

      // Cy scans it with the in-app scanner (the fake camera plays the QR), sees the group, joins.
      const c = await track(launchPhone(video));
      pages.push(c.page);
      await signInAs(c.page, server, cy);
      await c.page.goto(`${server.url}/home`);
      await c.page.getByRole("link", { name: /Scan a contact's QR/ }).click();
      await c.page.waitForURL(/\/home\/join$/, LIVE);
      const preview = c.page.getByTestId("group-preview");
      await preview.getByRole("heading", { name: "Climbing" }).waitFor(LIVE);
      await preview.getByText("Group · 2 members").waitFor();
      await shot(c.page, "groups-join-preview-phone");
      await checkA11y(c.page, "join preview (phone)");
      await preview.getByRole("button", { name: "Join group" }).click();
      await c.page.waitForURL(/\/home\/chat\//, LIVE);
      const cChat = c.page.getByRole("region", { name: "Chat with Climbing" });
      await systemLine(cChat, "You joined using the group’s invite link").waitFor(LIVE);
      await systemLine(aChat, "Cy Park joined using the group’s invite link").waitFor(LIVE);
      await systemLine(bChat, "Cy Park joined using the group’s invite link").waitFor(LIVE);

      // Ben mentions Cy: @ offers the members, the message highlights her and names Ben on her side.
      await field(bChat).fill("Welcome @C");
      await b.page.getByTestId("mention-list").getByRole("option", { name: "@Cy Park" }).waitFor();
      await shot(b.page, "groups-mention-phone");
      await field(bChat).press("Enter");
      await field(bChat).pressSequentially("bring a rope");
      await field(bChat).press("Enter");
      const welcome = messageWith(cChat, "Welcome @Cy Park bring a rope");
      await welcome.waitFor(LIVE);
      await welcome.getByTestId("mention").filter({ hasText: "@Cy Park" }).waitFor();
      await welcome.getByTestId("bubble-sender").filter({ hasText: "Ben Okafor" }).waitFor();
      await groupRow(a.page, "Climbing").getByTestId("chat-preview").filter({ hasText: "Ben Okafor: Welcome @Cy Park bring a rope" }).waitFor(LIVE);

      // Typing in a group names the typist.
      await field(cChat).pressSequentially("Thanks", { delay: 30 });
      await aChat.getByTestId("typing").filter({ hasText: "Cy Park is typing…" }).waitFor(LIVE);
      await field(cChat).press("Enter");
      await messageWith(aChat, "Thanks").waitFor(LIVE);

      // Cy reacts to Ben's message; Ben and Ann see it.
      await welcome.getByRole("button", { name: "Message actions" }).click();
      await c.page.getByRole("button", { name: "React 👍" }).click();
      await messageWith(bChat, "Welcome @Cy Park").getByTestId("reactions").getByText("👍").waitFor(LIVE);
      await messageWith(aChat, "Welcome @Cy Park").getByTestId("reactions").getByText("👍").waitFor(LIVE);

      // Ann writes; both read it (their chats are open): her ticks turn blue, message info lists each.
      await say(aChat, "Meet at 9 at the car park");
      await messageWith(bChat, "Meet at 9 at the car park").waitFor(LIVE);
      await messageWith(cChat, "Meet at 9 at the car park").waitFor(LIVE);
      await messageWith(aChat, "Meet at 9 at the car park").locator("[data-tick='seen']").waitFor(LIVE);
      await messageWith(aChat, "Meet at 9 at the car park").getByRole("button", { name: "Message actions" }).click();
      await a.page.getByRole("button", { name: "Message info" }).click();
      const receipts = a.page.getByTestId("message-info");
      for (const name of ["Ben Okafor", "Cy Park"])
        await receipts.getByTestId("member-receipt").filter({ hasText: name }).filter({ hasText: /Read / }).waitFor(LIVE);
      assert.equal(await receipts.getByTestId("member-receipt").count(), 2);
      await shot(a.page, "groups-message-info-desktop");
      await checkA11y(a.page, "group message info (desktop)");
      await receipts.getByRole("button", { name: "Close" }).click();

      // Cy leaves: asked first; her composer says why it is closed; the others see the line.
      await cChat.getByRole("button", { name: "Group info for Climbing" }).click();
      const cInfo = c.page.getByTestId("group-info");
      await cInfo.getByTestId("group-member").first().waitFor();
      await shot(c.page, "groups-info-member-phone");
      await checkA11y(c.page, "group info (member, phone)");
      await cInfo.getByRole("button", { name: "Leave group" }).click();
      await c.page.getByRole("dialog", { name: "Leave “Climbing”?" }).getByRole("button", { name: "Leave group" }).click();
      await systemLine(aChat, "Cy Park left").waitFor(LIVE);
      await systemLine(bChat, "Cy Park left").waitFor(LIVE);
      await cChat.getByTestId("composer-locked").filter({ hasText: "no longer a member" }).waitFor(LIVE);
      assert.equal(await field(cChat).count(), 0, "no field to write in");
      await shot(c.page, "groups-left-phone");

      // Ann lets only admins send: Ben's composer gives way to the reason, live; both see the line.
      await aChat.getByRole("button", { name: "Group info for Climbing" }).click();
      await info.getByRole("checkbox", { name: "Only admins can send messages" }).check();
      await bChat.getByTestId("composer-locked").filter({ hasText: "Only admins can send messages." }).waitFor(LIVE);
      await systemLine(bChat, "Ann Lee changed the settings: only admins can send messages").waitFor(LIVE);
      await info.getByRole("button", { name: "Close group info" }).click();
      await systemLine(aChat, "You changed the settings: only admins can send messages").waitFor(LIVE);
      await shot(a.page, "groups-chat-desktop");
      await shot(b.page, "groups-chat-phone");
    } catch (failure) {
      // What each person saw when it failed (with E2E_SHOTS).
      for (const [i, page] of pages.entries()) await shot(page, `groups-failed-${"abc"[i] ?? i}`).catch(() => undefined);
      throw failure;
    } finally {
      await closeAll();
    }
  });

  test(
    "a group's /join link opened signed out survives sign-up and onboarding; the admin approves the request in the group info",
    { timeout: TEST_TIMEOUT },
    async () => {
      try {
        const jo = await makeUser(server, "jo@example.com", { name: "Jo Admin", username: "joadmin" });
        const group = (await call(jo, "POST", "/api/groups", { name: "Choir" })) as { id: string };
        const invite = (await call(jo, "POST", `/api/groups/${group.id}/invite`, { needsApproval: true })) as { url: string };
        const { page } = await track(launchPhone());
        await page.goto(invite.url);
        await page.getByRole("heading", { level: 1, name: "Sign in to EasyQR" }).waitFor();
        assert.equal(new URL(page.url()).hash, "", "the token left the address bar");
        await page.getByLabel("Email address").fill("ida@example.com");
        await page.getByRole("button", { name: "Send code" }).click();
        await page.getByLabel("6-digit code").fill(await codeFor(server, "ida@example.com"));
        await page.getByRole("heading", { level: 1, name: "Set up your profile" }).waitFor();
        await page.getByLabel("Your name").fill("Ida Berg");
        await page.getByLabel("Username").fill("idaberg");
        await page.getByRole("status").filter({ hasText: "@idaberg is available." }).waitFor();
        await page.getByRole("button", { name: "Continue" }).click();

        const preview = page.getByTestId("group-preview");
        await preview.getByRole("heading", { name: "Choir" }).waitFor(LIVE);
        assert.equal(new URL(page.url()).pathname, "/home/join");
        await preview.getByRole("button", { name: "Request to join" }).click();
        await preview.getByTestId("join-waiting").waitFor(LIVE);

        // Jo, on her desktop, finds the request in the group's info and lets Ida in.
        const admin = await track(launchDesktop());
        await signInAs(admin.page, server, jo);
        await admin.page.goto(`${server.url}/home`);
        await groupRow(admin.page, "Choir").click();
        const joChat = admin.page.getByRole("region", { name: "Chat with Choir" });
        await joChat.getByRole("button", { name: "Group info for Choir" }).click();
        const requests = admin.page.getByTestId("join-requests");
        await requests.getByText("Ida Berg").waitFor(LIVE);
        await checkA11y(admin.page, "join requests (desktop)");
        await shot(admin.page, "groups-join-requests-desktop");
        await requests.getByRole("button", { name: "Approve" }).click();
        await systemLine(joChat, "Ida Berg joined, approved by you").waitFor(LIVE);

        // Ida's chats now have the group, live.
        await page.getByRole("link", { name: "Back to chats" }).click();
        await groupRow(page, "Choir").click();
        const chat = page.getByRole("region", { name: "Chat with Choir" });
        await systemLine(chat, "You joined, approved by Jo Admin").waitFor(LIVE);
        await field(chat).waitFor();
      } finally {
        await closeAll();
      }
    },
  );

  test("every group screen in light and dark, on a phone and a desktop, passes axe", { timeout: TEST_TIMEOUT }, async () => {
    try {
      let k = 0;
      for (const scheme of ["light", "dark"] as const)
        for (const phone of [true, false]) {
          k += 1;
          const where = `${phone ? "phone" : "desktop"}-${scheme}`;
          const viewer = await makeUser(server, `viewer${k}@example.com`, { name: `Vera Lind`, username: `vera${k}` });
          await connectUsers(server, viewer, ben, `vera${k}`);
          const group = (await call(viewer, "POST", "/api/groups", {
            name: "Weekend hike",
            description: "Saturday, 8:00 at the station",
            memberIds: [ben.id],
          })) as { id: string };
          const elsewhere = (await call(ben, "POST", "/api/groups", { name: "Book club" })) as { id: string };
          const invite = (await call(ben, "POST", `/api/groups/${elsewhere.id}/invite`, { needsApproval: true })) as { url: string };

          const o = await track(phone ? launchPhone(undefined, scheme) : launchDesktop(scheme));
          await signInAs(o.page, server, viewer);
          await o.page.goto(`${server.url}/home`);
          await writes(o.page, ben, group.id, "Who brings the map, @Vera Lind?", [viewer.id]);
          await groupRow(o.page, "Weekend hike").getByTestId("chat-preview").filter({ hasText: "Ben Okafor: Who brings the map" }).waitFor(LIVE);
          await shot(o.page, `groups-list-${where}`);
          await groupRow(o.page, "Weekend hike").click();
          const chat = o.page.getByRole("region", { name: "Chat with Weekend hike" });
          await messageWith(chat, "Who brings the map").getByTestId("mention").waitFor(LIVE);
          await say(chat, "I do");
          await shot(o.page, `groups-chat-${where}`);
          await checkA11y(o.page, `group chat (${where})`);

          await chat.getByRole("button", { name: "Group info for Weekend hike" }).click();
          const info = o.page.getByTestId("group-info");
          await info.getByTestId("group-member").filter({ hasText: "Ben Okafor" }).waitFor(LIVE);
          await info.getByRole("button", { name: "Make an invite link" }).click();
          await info.getByRole("img", { name: /QR code to join Weekend hike/ }).waitFor(LIVE);
          await shot(o.page, `groups-info-${where}`);
          await checkA11y(o.page, `group info (${where})`);
          await info.getByRole("button", { name: "Actions for Ben Okafor" }).click();
          await info.getByRole("button", { name: "Make admin" }).click();
          await systemLine(chat, "You made Ben Okafor an admin").waitFor(LIVE);
          await info.getByRole("button", { name: "Close group info" }).click();

          await messageWith(chat, "I do").getByRole("button", { name: "Message actions" }).click();
          await o.page.getByRole("button", { name: "Message info" }).click();
          await o.page.getByTestId("member-receipt").filter({ hasText: "Ben Okafor" }).waitFor(LIVE);
          await shot(o.page, `groups-message-info-${where}`);
          await o.page.getByTestId("message-info").getByRole("button", { name: "Close" }).click();

          if (phone) await o.page.goto(`${server.url}/home`);
          await o.page.getByRole("button", { name: "New group" }).click();
          await o.page
            .getByTestId("new-group")
            .getByRole("checkbox", { name: /Ben Okafor/ })
            .check();
          await shot(o.page, `groups-new-${where}`);
          await checkA11y(o.page, `new group (${where})`);
          await o.page.keyboard.press("Escape");

          await o.page.goto(invite.url);
          const preview = o.page.getByTestId("group-preview");
          await preview.getByRole("button", { name: "Request to join" }).click();
          await preview.getByTestId("join-waiting").waitFor(LIVE);
          await shot(o.page, `groups-join-requested-${where}`);
          await checkA11y(o.page, `join preview (${where})`);
          await o.browser.close();
        }
    } finally {
      await closeAll();
    }
  });
});
