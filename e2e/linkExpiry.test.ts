import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parseLinkQr } from "@easyqr/protocol";
import { makeUser, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

/** The link's lifetime for this server (LINK_TTL_MS): the 5-minute end, seen in seconds. */
const TTL_MS = 8_000;
const TEST_TIMEOUT = 90_000;

let server: RunningServer;
let ann: MadeUser;

describe("the desktop's link QR ends", { timeout: TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer({ LINK_TTL_MS: String(TTL_MS) });
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("after its lifetime the QR stops and shows New code, which starts a new one; the old code is dead", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      const page = desktop.page;
      await page.goto(`${server.url}/desktop`);
      const qr = page.getByRole("img", { name: /Link QR code/ });
      await qr.waitFor();
      const first = (await qr.getAttribute("data-qr-text")) ?? "";
      assert.ok(parseLinkQr(first), "a link QR");
      assert.equal(await page.getByRole("button", { name: "New code" }).count(), 0, "no New code while the QR is live");

      // The server ends the link (LINK_EXPIRED): the QR goes and New code comes.
      await page
        .getByRole("status")
        .filter({ hasText: "This code has expired." })
        .waitFor({ timeout: TTL_MS + 10_000 });
      assert.equal(await qr.count(), 0, "the QR is gone");
      const newCode = page.getByRole("button", { name: "New code" });
      await newCode.waitFor();
      await shot(page, "link-desktop-expired");

      // The ended code cannot be claimed any more.
      const claimed = await fetch(`${server.url}/api/link/claim`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ann.tokens.accessToken}` },
        body: JSON.stringify({ ref: parseLinkQr(first)!.ref }),
      });
      assert.equal(claimed.ok, false, "the expired code is refused");

      await newCode.click();
      await qr.waitFor();
      const second = (await qr.getAttribute("data-qr-text")) ?? "";
      assert.ok(parseLinkQr(second));
      assert.notEqual(second, first, "a new code");
      assert.equal(await newCode.count(), 0);
    } finally {
      await closeAll();
    }
  });
});
