import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { connectUsers, makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, track } from "./support/browsers.ts";
import { sendAs } from "./support/peer.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 120_000;
let server: RunningServer;

/** What has the focus: its tag, accessible label or text, and whether it is a chat row. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return {
      label: el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "",
      row: el?.matches("a.chat-row") ?? false,
      inMenu: !!el?.closest(".bubble__menu"),
    };
  });

/** Presses Tab until `done` says the focus is where it should be (at most `max` times). */
async function tabUntil(page: Page, done: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    if (done(await focused(page))) return;
  }
  assert.fail(`Tab never reached it; the focus is on ${JSON.stringify(await focused(page))}`);
}

describe("keyboard only: chat list, messages, menus", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test(
    "Tab reaches the chat list, arrows move through it, Enter opens; Tab reaches a bubble's menu; arrows, Escape and focus return",
    { timeout: TEST_TIMEOUT },
    async () => {
      try {
        const kim = await makeUser(server, "kim@example.com", { name: "Kim Park", username: "kim" });
        const lee = await makeUser(server, "lee@example.com", { name: "Lee Hart", username: "lee" });
        const max = await makeUser(server, "max@example.com", { name: "Max Bell", username: "max" });
        await connectUsers(server, kim, lee, "kim");
        await connectUsers(server, kim, max, "kim");
        await sendAs(server, lee, kim.id, "Older hello from Lee");
        await sendAs(server, max, kim.id, "Newest hello from Max");

        const { page } = await track(launchDesktop());
        await signInAs(page, server, kim);
        await page.goto(`${server.url}/home`);
        await page.getByTestId("chat-row").nth(1).waitFor();

        await tabUntil(page, (f) => f.row);
        assert.match((await focused(page)).label, /Max Bell/, "the newest chat first");
        await page.keyboard.press("ArrowDown");
        assert.match((await focused(page)).label, /Lee Hart/);
        await page.keyboard.press("ArrowDown");
        assert.match((await focused(page)).label, /Max Bell/, "wraps around");
        await page.keyboard.press("End");
        assert.match((await focused(page)).label, /Lee Hart/);
        await page.keyboard.press("Enter");
        const chat = page.getByRole("region", { name: "Chat with Lee Hart" });
        await chat.getByText("Older hello from Lee").waitFor();

        await tabUntil(page, (f) => f.label === "Message actions");
        await page.keyboard.press("Enter");
        const menu = chat.getByRole("group", { name: "Message actions" });
        await menu.waitFor();
        const first = await focused(page);
        assert.equal(first.inMenu, true, "the open menu has the focus");
        await page.keyboard.press("ArrowRight");
        const second = await focused(page);
        assert.equal(second.inMenu, true);
        assert.notEqual(second.label, first.label, "the arrow moved along the menu");
        await page.keyboard.press("Escape");
        await menu.waitFor({ state: "detached" });
        assert.equal((await focused(page)).label, "Message actions", "the focus is back on the menu's button");

        // Enter on a menu item acts: Reply puts the quote in the composer.
        await page.keyboard.press("Enter");
        await menu.waitFor();
        await page.keyboard.press("End");
        for (let i = 0; i < 8 && (await focused(page)).label !== "Reply"; i++) await page.keyboard.press("ArrowLeft");
        assert.equal((await focused(page)).label, "Reply");
        await page.keyboard.press("Enter");
        await chat.getByText("Replying to").or(chat.locator(".quote--bar")).first().waitFor();
      } finally {
        await closeAll();
      }
    },
  );
});
