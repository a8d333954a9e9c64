import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { scenicPng } from "./support/png.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { controlSockets, dropNetwork, restoreNetwork } from "./support/network.ts";

const TEST_TIMEOUT = 150_000;

let server: RunningServer;

const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const chatOf = (page: Page, name: string) => page.getByRole("region", { name: `Chat with ${name}` });

/** Slows this page's uploads to `bytesPerSecond` (Chromium's network emulation), so progress can be watched. */
async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

/** Two new connected people (a refresh token is used once, so each test has its own): Dee on a desktop, Eli on a phone. */
async function newPair(tag: string): Promise<{ dee: MadeUser; eli: MadeUser }> {
  const dee = await makeUser(server, `dee-${tag}@example.com`, { name: "Dee Ray", username: `dee${tag}` });
  const eli = await makeUser(server, `eli-${tag}@example.com`, { name: "Eli Park", username: `eli${tag}` });
  await connectUsers(server, dee, eli, `dee${tag}`);
  return { dee, eli };
}

/** Both signed in and in their chat. */
async function openChats({ dee, eli }: { dee: MadeUser; eli: MadeUser }) {
  const d = await track(launchDesktop());
  const e = await track(launchPhone());
  await controlSockets(d);
  await signInAs(d.page, server, dee);
  await signInAs(e.page, server, eli);
  await d.page.goto(`${server.url}/home`);
  await d.page.getByRole("button", { name: "Message Eli Park" }).click();
  await d.page.waitForURL(/\/home\/chat\/[\w-]+$/);
  await e.page.goto(d.page.url());
  await chatOf(d.page, "Eli Park").getByRole("heading", { name: "Eli Park" }).waitFor();
  await chatOf(e.page, "Dee Ray").getByRole("heading", { name: "Dee Ray" }).waitFor();
  return { d, e };
}

describe("photos and files, edits and deletes, and sending offline in real browsers", { timeout: 3 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("a photo uploads with progress and the peer sees its thumbnail, then opens it large; a file downloads", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const { d, e } = await openChats(await newPair("photo"));
      const dChat = chatOf(d.page, "Eli Park");
      const eChat = chatOf(e.page, "Dee Ray");

      // Dee attaches a 1200 × 900 PNG over a slow uplink: the progress bar moves, then it can be sent.
      await throttleUploads(d.page, 150_000);
      await dChat.getByTestId("attach-input").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: scenicPng(1200, 900) });
      const progress = dChat.getByRole("progressbar", { name: "Uploading sunset.png" });
      await progress.waitFor();
      await d.page.waitForFunction(() => {
        const bar = document.querySelector("progress");
        return bar !== null && bar.value > 0.05 && bar.value < 0.95;
      });
      assert.equal(await dChat.getByRole("button", { name: "Send" }).isDisabled(), true, "no sending while it uploads");
      await shot(d.page, "attachment-uploading-desktop");
      await dChat.getByRole("button", { name: "Send" }).waitFor({ state: "visible" });
      await d.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>(".composer__send")?.disabled, undefined, { timeout: 30_000 });
      await dChat.getByRole("textbox", { name: "Message" }).fill("The view from here");
      await dChat.getByRole("button", { name: "Send" }).click();
      await progress.waitFor({ state: "detached" });

      // Eli gets the message with the thumbnail (a blob: URL fetched with his token).
      const received = messageWith(e.page, "The view from here");
      const thumb = received.getByTestId("attachment-image").locator("img");
      await thumb.waitFor();
      await e.page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>("[data-testid=attachment-image] img");
        return img !== null && img.complete && img.naturalWidth > 0 && img.src.startsWith("blob:");
      });
      assert.equal(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth), 320, "the 320 px thumbnail");
      await messageWith(d.page, "The view from here").getByTestId("attachment-image").locator("img").waitFor();
      await shot(e.page, "attachment-image-phone");
      await shot(d.page, "attachment-image-desktop");

      // Clicking it opens the full image over the page; Escape closes it.
      for (const [page, name] of [
        [e.page, "phone"],
        [d.page, "desktop"],
      ] as const) {
        await messageWith(page, "The view from here").getByRole("button", { name: "Open photo sunset.webp" }).click();
        const viewer = page.getByTestId("image-viewer");
        await viewer.locator("img[data-full=true]").waitFor();
        assert.equal(await viewer.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth), 1200, "the full-size image");
        await shot(page, `attachment-viewer-${name}`);
        await page.keyboard.press("Escape");
        await viewer.waitFor({ state: "detached" });
      }

      // Eli sends a file from his phone; Dee downloads it.
      await throttleUploads(e.page, 100_000);
      const notes = Buffer.from("Packing list\n".repeat(30_000));
      await eChat.getByTestId("attach-input").setInputFiles({ name: "packing-list.txt", mimeType: "text/plain", buffer: notes });
      await eChat.getByRole("progressbar", { name: "Uploading packing-list.txt" }).waitFor();
      await shot(e.page, "attachment-uploading-phone");
      await e.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>(".composer__send")?.disabled, undefined, { timeout: 30_000 });
      await eChat.getByRole("button", { name: "Send" }).click();
      const file = d.page.getByTestId("attachment-file").filter({ hasText: "packing-list.txt" });
      await file.waitFor();
      await e.page.getByTestId("attachment-file").filter({ hasText: "packing-list.txt" }).waitFor();
      await shot(d.page, "attachment-file-desktop");
      await shot(e.page, "attachment-file-phone");
      const [download] = await Promise.all([d.page.waitForEvent("download"), file.click()]);
      assert.equal(download.suggestedFilename(), "packing-list.txt");

      // Too large: refused before any upload, in the words of errorText.
      const big = { name: "huge.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(25 * 1024 * 1024 + 1) };
      await dChat.getByTestId("attach-input").setInputFiles(big);
      await dChat.getByRole("alert").filter({ hasText: "That file is too large. Files can be at most 25 MB." }).waitFor();
      await shot(d.page, "attachment-too-large-desktop");
      await dChat.getByRole("button", { name: "Remove huge.bin" }).click();
      assert.deepEqual(
        [...d.errors, ...e.errors].filter((m) => !m.includes("favicon")),
        [],
      );
    } finally {
      await closeAll();
    }
  });

  test("edit and delete for everyone: the peer sees the edit, then the tombstone", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const { d, e } = await openChats(await newPair("edit"));
      const dChat = chatOf(d.page, "Eli Park");
      const field = dChat.getByRole("textbox", { name: "Message" });
      await field.fill("See you at 7 tonight");
      await field.press("Enter");
      await messageWith(e.page, "See you at 7 tonight").waitFor();

      await messageWith(d.page, "See you at 7 tonight").getByRole("button", { name: "Message actions" }).click();
      await d.page.getByRole("button", { name: "Edit", exact: true }).click();
      assert.equal(await field.inputValue(), "See you at 7 tonight");
      await field.fill("See you at 8 tonight");
      await field.press("Enter");
      const edited = messageWith(e.page, "See you at 8 tonight");
      await edited.getByText("edited").waitFor();
      assert.equal(await messageWith(e.page, "See you at 7 tonight").count(), 0);
      await shot(e.page, "chat-edited-phone");

      // The bubble's ⋯ menu closes on a press outside it and on Escape (the focus back on ⋯).
      const more = messageWith(d.page, "See you at 8 tonight").getByRole("button", { name: "Message actions" });
      const reply = d.page.getByRole("button", { name: "Reply", exact: true });
      await more.click();
      await reply.waitFor();
      await field.click();
      await reply.waitFor({ state: "detached" });
      await more.click();
      await reply.waitFor();
      await d.page.keyboard.press("Escape");
      await reply.waitFor({ state: "detached" });
      assert.equal(await more.evaluate((el) => el === document.activeElement), true, "Escape gives the focus back to ⋯");
      // Escape at once, before the next frame (a busy browser's speed): the menu already listens, and
      // the focus it took on opening does not land after Escape gave it back.
      await more.evaluate(async (button) => {
        (button as HTMLElement).click();
        await new Promise((resolve) => setTimeout(resolve, 0));
        document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
      });
      await reply.waitFor({ state: "detached" });
      await d.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 150))));
      assert.equal(await more.evaluate((el) => el === document.activeElement), true, "a quick Escape gives the focus back to ⋯ too");

      // Delete asks in the page (never the browser's confirm()); Escape says no and gives the focus back.
      const nativeDialogs: string[] = [];
      d.page.on("dialog", (dialog) => {
        nativeDialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await messageWith(d.page, "See you at 8 tonight").getByRole("button", { name: "Message actions" }).click();
      const deleteButton = d.page.getByRole("button", { name: "Delete for everyone" });
      await deleteButton.click();
      const confirm = d.page.getByRole("dialog", { name: "Delete this message for everyone?" });
      await confirm.waitFor();
      await shot(d.page, "chat-delete-confirm-desktop");
      await checkA11y(d.page, "delete confirmation (desktop)");
      await d.page.keyboard.press("Escape");
      await confirm.waitFor({ state: "detached" });
      assert.equal(await deleteButton.evaluate((el) => el === document.activeElement), true, "the focus is back on Delete for everyone");
      assert.equal(await messageWith(e.page, "See you at 8 tonight").count(), 1, "Escape deleted nothing");
      await deleteButton.click();
      await confirm.getByRole("button", { name: "Delete", exact: true }).click();
      await e.page.getByTestId("message").filter({ hasText: "This message was deleted" }).waitFor();
      await d.page.getByTestId("message").filter({ hasText: "You deleted this message" }).waitFor();
      assert.equal(await messageWith(e.page, "See you at 8 tonight").count(), 0);
      await shot(e.page, "chat-deleted-phone");
      await shot(d.page, "chat-deleted-desktop");
      assert.deepEqual(nativeDialogs, []);
    } finally {
      await closeAll();
    }
  });

  test(
    "long text: the field grows to six lines then scrolls, counts near the limit, keeps text over it and will not send it",
    { timeout: TEST_TIMEOUT },
    async () => {
      try {
        const { d, e } = await openChats(await newPair("long"));
        const eChat = chatOf(e.page, "Dee Ray");
        const field = eChat.getByRole("textbox", { name: "Message" });
        const send = eChat.getByRole("button", { name: "Send" });
        const count = eChat.getByTestId("length-count");
        const box = () => field.evaluate((el: HTMLTextAreaElement) => ({ height: el.offsetHeight, scrolls: el.scrollHeight > el.clientHeight }));

        const oneLine = await box();
        await field.fill("one\ntwo\nthree\nfour");
        const fourLines = await box();
        assert.ok(fourLines.height > oneLine.height * 2 && !fourLines.scrolls, `grows with the text: ${JSON.stringify([oneLine, fourLines])}`);
        await field.fill(Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n"));
        const manyLines = await box();
        assert.ok(manyLines.height < oneLine.height * 5 && manyLines.scrolls, `stops at six lines, then scrolls: ${JSON.stringify(manyLines)}`);
        await shot(e.page, "composer-grown-phone");

        await field.fill("a".repeat(3_499));
        assert.equal(await count.count(), 0, "no counter far from the limit");
        await field.fill("a".repeat(3_612));
        await count.filter({ hasText: /^3,612 \/ 4,096$/ }).waitFor();
        assert.equal(await send.isEnabled(), true);

        // Over the limit: nothing is cut, the counter says by how much, and it cannot be sent.
        await field.fill("a".repeat(4_200));
        assert.equal((await field.inputValue()).length, 4_200, "the text stays whole");
        await count.filter({ hasText: "4,200 / 4,096 · 104 characters over the limit" }).waitFor();
        assert.equal(await send.isDisabled(), true);
        assert.equal(await send.getAttribute("aria-describedby"), await count.getAttribute("id"), "Send says why it is disabled");
        await field.press("Enter");
        await e.page.waitForTimeout(500);
        assert.equal(await e.page.getByTestId("pending-message").count(), 0, "Enter sends nothing");
        await shot(e.page, "composer-over-limit-phone");
        await checkA11y(e.page, "composer over the limit (phone)");

        // Exactly at the limit it goes, whole.
        const longest = `${"a".repeat(4_096 - 8)}the end.`;
        await field.fill(longest);
        await send.click();
        await messageWith(d.page, "the end.").waitFor();
        assert.ok((await messageWith(d.page, "the end.").textContent())?.includes(longest), "all 4,096 characters arrive");
        assert.equal(await count.count(), 0);
      } finally {
        await closeAll();
      }
    },
  );

  test("sent while offline: pending with a clock, then goes out once on reconnect", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const pair = await newPair("offline");
      const { d, e } = await openChats(pair);
      const dChat = chatOf(d.page, "Eli Park");
      await dropNetwork(d);
      const field = dChat.getByRole("textbox", { name: "Message" });
      await field.fill("Written in a tunnel");
      await field.press("Enter");
      const pending = d.page.getByTestId("pending-message").filter({ hasText: "Written in a tunnel" });
      await pending.getByTestId("tick").and(d.page.locator("[data-tick=pending]")).waitFor();
      // The peer's presence is stale while our socket is away: the header says so instead of "online".
      await dChat.getByTestId("chat-status").filter({ hasText: "waiting for network…" }).waitFor();
      assert.equal(await d.page.locator(".presence-dot").count(), 0, "nobody is shown online from stale presence");
      await shot(d.page, "chat-pending-desktop");
      await e.page.waitForTimeout(1_500);
      assert.equal(await messageWith(e.page, "Written in a tunnel").count(), 0, "nothing went out offline");

      await restoreNetwork(d);
      await messageWith(e.page, "Written in a tunnel").waitFor({ timeout: 30_000 });
      await pending.waitFor({ state: "detached" });
      await dChat.getByTestId("chat-status").filter({ hasText: "online" }).waitFor();
      await messageWith(d.page, "Written in a tunnel").getByTestId("tick").waitFor();
      await e.page.waitForTimeout(1_500);
      assert.equal(await messageWith(e.page, "Written in a tunnel").count(), 1, "the peer sees it once");
      const page = await fetch(`${server.url}/api/chats/${d.page.url().split("/").at(-1) ?? ""}/messages?limit=100`, {
        headers: { authorization: `Bearer ${pair.eli.tokens.accessToken}` },
      });
      const { messages } = (await page.json()) as { messages: { text: string | null }[] };
      assert.equal(messages.filter((m) => m.text === "Written in a tunnel").length, 1, "one row on the server");
    } finally {
      await closeAll();
    }
  });
});
