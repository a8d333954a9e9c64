import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 120_000;
let server: RunningServer;

/** The sidebar's names that do not show whole (cut off at the side or below). */
const cutNames = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".chat-row__name, .contact-row__name")]
      .filter((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)
      .map((el) => el.textContent),
  );

describe("the home screen's sidebar in a real browser", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("each person is listed once, long names show whole at 1280 px, and the sidebar can be resized", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const rae = await makeUser(server, "rae@example.com", { name: "Rae Quinn", username: "rae" });
      const long = await makeUser(server, "bart@example.com", { name: "Bartholomew Featherstonehaugh", username: "bart" });
      const other = await makeUser(server, "maxi@example.com", { name: "Maximiliana Okonkwo-Fitzgerald", username: "maxi" });
      await connectUsers(server, rae, long, "rae");
      await connectUsers(server, rae, other, "rae");
      const { page } = await track(launchDesktop());
      await signInAs(page, server, rae);
      await page.goto(`${server.url}/home`);
      await page.getByRole("button", { name: "Message Bartholomew Featherstonehaugh" }).click();
      await page.getByRole("region", { name: "Chat with Bartholomew Featherstonehaugh" }).waitFor();

      // Bartholomew has a chat: under Chats only. Maximiliana has none: under Contacts.
      const sidebar = page.locator("aside.sidebar");
      await sidebar.getByTestId("chat-row").filter({ hasText: "Bartholomew Featherstonehaugh" }).waitFor();
      await sidebar.getByTestId("connection-row").filter({ hasText: "Maximiliana Okonkwo-Fitzgerald" }).waitFor();
      assert.equal(await sidebar.getByText("Bartholomew Featherstonehaugh", { exact: true }).count(), 1, "listed once");
      assert.equal(await sidebar.getByText("Maximiliana Okonkwo-Fitzgerald", { exact: true }).count(), 1, "listed once");
      assert.deepEqual(await cutNames(page), [], "no name cut at 1280 px");
      // Wording for a computer: its tools speak of "your phone" and "this computer", never "this phone".
      const tools = page.getByRole("navigation", { name: "Scanner tools" });
      await tools.getByRole("link", { name: "Use your phone as a barcode scanner for this computer" }).waitFor();
      assert.doesNotMatch((await tools.textContent()) ?? "", /this phone/);
      await shot(page, "home-sidebar-desktop");
      await checkA11y(page, "home with a resizable sidebar (desktop)");

      // The edge: arrow keys (and dragging) resize; the width is kept across a reload.
      const edge = page.getByRole("separator", { name: "Resize the chat list" });
      const before = (await sidebar.boundingBox())?.width ?? 0;
      await edge.focus();
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      const wider = (await sidebar.boundingBox())?.width ?? 0;
      assert.ok(Math.abs(wider - before - 48) <= 2, `two steps wider: ${before} → ${wider}`);
      const box = await edge.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width / 2, box.y + 200);
      await page.mouse.down();
      await page.mouse.move(320, box.y + 220, { steps: 5 });
      await page.mouse.up();
      const dragged = (await sidebar.boundingBox())?.width ?? 0;
      assert.ok(dragged <= 345 && dragged >= 335, `dragged to the narrowest, 340: ${dragged}`);
      await page.reload();
      await sidebar.getByTestId("chat-row").first().waitFor();
      assert.equal(Math.round((await sidebar.boundingBox())?.width ?? 0), Math.round(dragged), "kept across a reload");
      await shot(page, "home-sidebar-narrow-desktop");
    } finally {
      await closeAll();
    }
  });
});
