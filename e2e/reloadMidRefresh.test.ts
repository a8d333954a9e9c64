import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 90_000;
let server: RunningServer;

describe("a reload while the page refreshes its session", { timeout: TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("the refresh's answer never arrives (the page went away), the next load stays signed in", { timeout: TEST_TIMEOUT }, async () => {
    const ivy = await makeUser(server, "ivy@example.com", { name: "Ivy Lane", username: "ivy" });
    const { page } = await track(launchDesktop());
    await signInAs(page, server, ivy);

    // The first load's refresh reaches the server, which rotates the token, but the page never reads the answer.
    let spent = 0;
    await page.route(
      "**/api/auth/refresh",
      async (route) => {
        const answer = await route.fetch();
        spent = answer.status();
        await route.abort("connectionreset");
      },
      { times: 1 },
    );
    await page.goto(`${server.url}/home`);
    for (let tries = 0; spent === 0 && tries < 200; tries++) await page.waitForTimeout(50);
    assert.equal(spent, 200, "the server did rotate the token");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
    assert.equal(await page.getByRole("heading", { name: "Sign in to EasyQR" }).count(), 0);
  });
});
