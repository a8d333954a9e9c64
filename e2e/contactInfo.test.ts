import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { scenicPng } from "./support/png.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 150_000;

let server: RunningServer;
const chatOf = (page: Page, name: string) => page.getByRole("region", { name: `Chat with ${name}` });

describe("a contact's info panel in real browsers", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("from the chat header and from the contact list: photo, name, username, bio, shared photos; Block asks first", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const ivy = await makeUser(server, "ivy@example.com", { name: "Ivy Chen", username: "ivy" });
      const jon = await makeUser(server, "jon@example.com", { name: "Jon Wu", username: "jon" });
      const kai = await makeUser(server, "kai@example.com", { name: "Kai Moreau", username: "kai" });
      await connectUsers(server, ivy, jon, "ivy");
      await connectUsers(server, jon, kai, "jon");
      // Ivy's bio is for her connections (the default): Jon sees it.
      const patched = await fetch(`${server.url}/api/users/me`, {
        method: "PATCH",
        headers: { "content-type": "application/json", authorization: `Bearer ${ivy.tokens.accessToken}` },
        body: JSON.stringify({ bio: "Bakes bread on Sundays" }),
      });
      assert.equal(patched.status, 200);

      // Ivy sends Jon a photo from her desktop.
      const i = await track(launchDesktop());
      await signInAs(i.page, server, ivy);
      await i.page.goto(`${server.url}/home`);
      await i.page.getByRole("button", { name: "Message Jon Wu" }).click();
      const iChat = chatOf(i.page, "Jon Wu");
      await iChat.getByTestId("attach-input").setInputFiles({ name: "loaf.png", mimeType: "image/png", buffer: scenicPng(600, 400) });
      await i.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>(".composer__send")?.disabled, undefined, { timeout: 30_000 });
      await iChat.getByRole("button", { name: "Send" }).click();
      await iChat.getByTestId("attachment-image").waitFor();

      // Desktop: Ivy opens Jon's info from the chat header; Escape closes it and gives the focus back.
      const header = iChat.getByRole("button", { name: "Contact info for Jon Wu" });
      await header.click();
      const iInfo = i.page.getByRole("dialog", { name: "Jon Wu" });
      await iInfo.getByText("@jon").waitFor();
      await iInfo.getByTestId("shared-photos").getByRole("button", { name: "Open photo loaf.webp" }).waitFor();
      await shot(i.page, "contact-info-desktop");
      await checkA11y(i.page, "contact info (desktop)");
      await i.page.keyboard.press("Escape");
      await iInfo.waitFor({ state: "detached" });
      assert.equal(await header.evaluate((el) => el === document.activeElement), true, "the focus is back on the header");

      // Phone: Kai (no chat yet) is under Contacts, where ⋯ → Contact info opens his.
      const j = await track(launchPhone());
      await signInAs(j.page, server, jon);
      await j.page.goto(`${server.url}/home`);
      const row = j.page.getByTestId("connection-row").filter({ hasText: "Kai Moreau" });
      await row.getByRole("button", { name: "More for Kai Moreau" }).click();
      await row.getByRole("button", { name: "Contact info", exact: true }).click();
      const kaiInfo = j.page.getByRole("dialog", { name: "Kai Moreau" });
      await kaiInfo.getByText("@kai").waitFor();
      await kaiInfo.getByRole("button", { name: "Close contact info" }).click();
      await kaiInfo.waitFor({ state: "detached" });

      // Jon opens Ivy's info from their chat's header and sees her bio and the photo.
      await j.page.getByTestId("chat-row").filter({ hasText: "Ivy Chen" }).click();
      await chatOf(j.page, "Ivy Chen").getByRole("button", { name: "Contact info for Ivy Chen" }).click();
      const jInfo = j.page.getByRole("dialog", { name: "Ivy Chen" });
      await jInfo.getByText("@ivy").waitFor();
      await jInfo.getByText("Bakes bread on Sundays").waitFor();
      await jInfo.getByTestId("shared-photos").locator("img").waitFor();
      await shot(j.page, "contact-info-phone");
      await checkA11y(j.page, "contact info (phone)");

      // Block: an in-app confirmation first; Cancel keeps her, Block blocks and closes the panel.
      await jInfo.getByRole("button", { name: "Block Ivy Chen" }).click();
      const confirm = j.page.getByRole("dialog", { name: "Block Ivy Chen?" });
      await confirm.waitFor();
      await shot(j.page, "contact-block-confirm-phone");
      await confirm.getByRole("button", { name: "Cancel" }).click();
      await confirm.waitFor({ state: "detached" });
      assert.equal(await jInfo.isVisible(), true, "Cancel blocks nobody and the panel stays");
      await jInfo.getByRole("button", { name: "Block Ivy Chen" }).click();
      await confirm.getByRole("button", { name: "Block", exact: true }).click();
      await jInfo.waitFor({ state: "detached" });
      const blocks = await fetch(`${server.url}/api/contacts/blocks`, { headers: { authorization: `Bearer ${jon.tokens.accessToken}` } });
      const { users } = (await blocks.json()) as { users: { username: string }[] };
      assert.deepEqual(
        users.map((u) => u.username),
        ["ivy"],
        "Ivy is blocked",
      );
    } finally {
      await closeAll();
    }
  });
});
