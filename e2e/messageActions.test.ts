import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { HistoryPage } from "@easyqr/protocol";
import type { Page } from "playwright-core";
import { checkA11y, codeFor, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track, type Opened } from "./support/browsers.ts";
import { collectCspViolations } from "./support/csp.ts";
import { scenicPng } from "./support/png.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 180_000;

let server: RunningServer;

const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const chatOf = (page: Page, name: string) => page.getByRole("region", { name: `Chat with ${name}` });

/** Another sign-in of a made user (a second device): a new code, told apart from the first by not being it. */
async function secondDevice(email: string): Promise<MadeUser> {
  const used = await codeFor(server, email);
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
      (r) => r.json() as Promise<Record<string, unknown>>,
    );
  const { requestId } = (await post("/api/auth/request-code", { email })) as { requestId: string };
  const fresh = new RegExp(`OTP for ${email.replace(/[.+]/g, "\\$&")}: (?!${used})(\\d{6})`);
  const code = fresh.exec(await server.waitForLog(fresh))?.[1];
  assert.ok(code, "a second code");
  const answer = await post("/api/auth/verify-code", { requestId, code });
  const { tokens, user } = answer as MadeUser & { user?: { id: string } };
  assert.ok(user, JSON.stringify(answer));
  return { id: user.id, tokens };
}

async function historyAs(user: MadeUser, chatId: string): Promise<HistoryPage> {
  const response = await fetch(`${server.url}/api/chats/${chatId}/messages`, { headers: { authorization: `Bearer ${user.tokens.accessToken}` } });
  return (await response.json()) as HistoryPage;
}

/** Opens the chat with `name` from home. */
async function openChatWith(page: Page, name: string): Promise<string> {
  await page.goto(`${server.url}/home`);
  await page.getByRole("button", { name: `Message ${name}` }).click();
  await page.waitForURL(/\/home\/chat\/[\w-]+$/);
  await chatOf(page, name).getByRole("heading", { name }).waitFor();
  return page.url().split("/").at(-1) ?? "";
}

/** A paste of files into the message field, as the browser fires it for a screenshot or copied files. */
async function pasteFiles(page: Page, files: { name: string; type: string; base64: string }[]): Promise<void> {
  await page.getByRole("textbox", { name: "Message" }).evaluate((field, list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    field.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, files);
}

describe("message actions and the composer in real browsers", { timeout: TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("copy, emoji, paste a photo with a caption, forward it to another chat, delete for me on both of one's devices", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const dee = await makeUser(server, "dee-acts@example.com", { name: "Dee Ray", username: "deeacts" });
      const eli = await makeUser(server, "eli-acts@example.com", { name: "Eli Park", username: "eliacts" });
      const fay = await makeUser(server, "fay-acts@example.com", { name: "Fay Lund", username: "fayacts" });
      await connectUsers(server, dee, eli, "deeacts");
      await connectUsers(server, dee, fay, "deeacts");
      const deePhone = await secondDevice("dee-acts@example.com");

      const d: Opened = await track(launchDesktop());
      const p: Opened = await track(launchPhone());
      const violations: string[] = [];
      await collectCspViolations(d, violations);
      await collectCspViolations(p, violations);
      await d.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
      await signInAs(d.page, server, dee);
      await signInAs(p.page, server, deePhone);
      const withEli = await openChatWith(d.page, "Eli Park");
      const dChat = chatOf(d.page, "Eli Park");
      const field = dChat.getByRole("textbox", { name: "Message" });

      // Copy: the text goes to the clipboard and a toast says so.
      await field.fill("Meet at the station at 6");
      await field.press("Enter");
      const meet = messageWith(d.page, "Meet at the station at 6");
      await meet.getByTestId("tick").waitFor();
      await meet.getByRole("button", { name: "Message actions" }).click();
      await shot(d.page, "message-menu-desktop");
      await d.page.getByRole("button", { name: "Copy", exact: true }).click();
      await d.page.getByTestId("toast").filter({ hasText: "Copied" }).waitFor();
      await shot(d.page, "message-copied-toast-desktop");
      assert.equal(await d.page.evaluate(() => navigator.clipboard.readText()), "Meet at the station at 6");

      // The emoji picker: search, pick, and it lands at the caret.
      await field.fill("Party time ");
      await dChat.getByRole("button", { name: "Emoji" }).click();
      const picker = d.page.getByTestId("emoji-picker");
      await picker.getByRole("button", { name: "grinning face", exact: true }).waitFor();
      await shot(d.page, "emoji-picker-desktop");
      await picker.getByRole("searchbox", { name: "Search emoji" }).fill("party pop");
      await shot(d.page, "emoji-picker-search-desktop");
      await picker.getByRole("button", { name: "party popper" }).click();
      await d.page.keyboard.press("Escape");
      await picker.waitFor({ state: "detached" });
      assert.equal(await field.inputValue(), "Party time 🎉");
      await field.press("Enter");
      await messageWith(d.page, "Party time 🎉").waitFor();

      // Paste two files, remove one, write a caption: the photo goes with the caption as its text.
      const photo = scenicPng(800, 600).toString("base64");
      await pasteFiles(d.page, [
        { name: "platform.png", type: "image/png", base64: photo },
        { name: "notes.txt", type: "text/plain", base64: Buffer.from("not this one").toString("base64") },
      ]);
      const uploads = dChat.getByTestId("upload");
      await uploads.filter({ hasText: "platform.png" }).locator("img.upload__preview").waitFor();
      await uploads.filter({ hasText: "notes.txt" }).waitFor();
      assert.equal(await field.getAttribute("placeholder"), "Add a caption");
      await dChat.getByRole("button", { name: "Remove notes.txt" }).click();
      await uploads.filter({ hasText: "notes.txt" }).waitFor({ state: "detached" });
      await field.fill("Platform 2");
      await d.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>(".composer__send")?.disabled, undefined, { timeout: 30_000 });
      await shot(d.page, "composer-paste-preview-desktop");
      await dChat.getByRole("button", { name: "Send" }).click();
      const sentPhoto = messageWith(d.page, "Platform 2");
      await sentPhoto.getByTestId("attachment-image").locator("img").waitFor();
      assert.equal(await uploads.count(), 0);
      const eliSees = (await historyAs(eli, withEli)).messages.find((m) => m.text === "Platform 2");
      assert.equal(eliSees?.attachments.length, 1, "one attachment: the removed file was not sent");

      // Forward the photo to Fay: filter, tick, forward; her chat has it marked "Forwarded".
      await sentPhoto.getByRole("button", { name: "Message actions" }).click();
      await d.page.getByRole("button", { name: "Forward", exact: true }).click();
      const dialog = d.page.getByRole("dialog", { name: "Forward message" });
      await dialog.waitFor();
      await dialog.getByRole("searchbox", { name: "Search contacts" }).fill("fa");
      await dialog.getByText("Eli Park").waitFor({ state: "detached" });
      await dialog.getByRole("checkbox", { name: /Fay Lund/ }).check();
      await shot(d.page, "forward-dialog-desktop");
      await checkA11y(d.page, "forward dialog (desktop)");
      await dialog.getByRole("button", { name: "Forward", exact: true }).click();
      await dialog.waitFor({ state: "detached" });
      await d.page.getByTestId("toast").filter({ hasText: "Forwarded" }).waitFor();
      // Fay's chat is in Dee's list now (it has a message), no longer among the contacts to message.
      const fayChats = (await fetch(`${server.url}/api/chats`, { headers: { authorization: `Bearer ${fay.tokens.accessToken}` } }).then((r) => r.json())) as {
        chats: { id: string }[];
      };
      const withFay = fayChats.chats[0]?.id ?? "";
      await d.page.goto(`${server.url}/home/chat/${withFay}`);
      const copy = messageWith(d.page, "Platform 2");
      await copy.getByTestId("forwarded").waitFor();
      await copy.getByTestId("attachment-image").locator("img").waitFor();
      await shot(d.page, "forwarded-photo-desktop");
      const faySees = (await historyAs(fay, withFay)).messages.at(-1);
      assert.equal(faySees?.forwarded, true);
      assert.equal(faySees?.text, "Platform 2");
      assert.equal(faySees?.attachments.length, 1);

      // Delete for me on the desktop: it goes from Dee's phone too, live; Eli keeps it.
      await p.page.goto(`${server.url}/home/chat/${withEli}`);
      const pChat = chatOf(p.page, "Eli Park");
      await messageWith(p.page, "Meet at the station at 6").waitFor();
      await messageWith(p.page, "Meet at the station at 6").getByRole("button", { name: "Message actions" }).click();
      await shot(p.page, "message-menu-phone");
      await p.page.keyboard.press("Escape");
      await pChat.getByRole("button", { name: "Emoji" }).click();
      await p.page.getByTestId("emoji-picker").getByRole("button", { name: "grinning face", exact: true }).waitFor();
      await shot(p.page, "emoji-picker-phone");
      await p.page.keyboard.press("Escape");
      await pasteFiles(p.page, [{ name: "ticket.png", type: "image/png", base64: scenicPng(400, 300).toString("base64") }]);
      await pChat.getByTestId("upload").locator("img.upload__preview").waitFor();
      await pChat.getByRole("textbox", { name: "Message" }).fill("My ticket");
      await shot(p.page, "composer-paste-preview-phone");
      await pChat.getByRole("button", { name: "Remove ticket.png" }).click();
      await pChat.getByRole("textbox", { name: "Message" }).fill("");

      await d.page.goto(`${server.url}/home/chat/${withEli}`);
      await meet.getByRole("button", { name: "Message actions" }).click();
      await d.page.getByRole("button", { name: "Delete for me" }).click();
      const confirm = d.page.getByRole("dialog", { name: "Delete this message for you?" });
      await confirm.waitFor();
      await shot(d.page, "delete-for-me-confirm-desktop");
      await confirm.getByRole("button", { name: "Delete for me" }).click();
      await meet.waitFor({ state: "detached" });
      await messageWith(p.page, "Meet at the station at 6").waitFor({ state: "detached" });
      await shot(p.page, "deleted-for-me-phone");
      assert.ok(
        (await historyAs(eli, withEli)).messages.some((m) => m.text === "Meet at the station at 6"),
        "Eli still has it",
      );
      // After a reload (history from the server) it stays gone.
      await p.page.reload();
      await messageWith(p.page, "Party time 🎉").waitFor();
      assert.equal(await messageWith(p.page, "Meet at the station at 6").count(), 0);

      // The phone forwards too: the dialog at 390 px.
      await messageWith(p.page, "Party time 🎉").getByRole("button", { name: "Message actions" }).click();
      await p.page.getByRole("button", { name: "Forward", exact: true }).click();
      await p.page.getByRole("dialog", { name: "Forward message" }).waitFor();
      await shot(p.page, "forward-dialog-phone");
      await checkA11y(p.page, "forward dialog (phone)");
      await p.page.keyboard.press("Escape");

      assert.deepEqual(violations, [], "no Content-Security-Policy violation (emoji picker, previews)");
      assert.deepEqual(
        [...d.errors, ...p.errors].filter((m) => !m.includes("favicon")),
        [],
      );
    } finally {
      await closeAll();
    }
  });
});
