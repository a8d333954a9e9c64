import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { makeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

/**
 * The first screen's JavaScript budget (issue 18): the scripts a browser actually requests for the
 * signed-out landing and for the signed-in home, each a first visit with nothing cached, gzipped
 * (level 9, as a server would send them) and summed. Run after `npm run build`. Home is the one
 * near it (~99 kB: Preact in React's place ~10 kB, the router ~14 kB, zod/mini with the protocol's
 * schemas ~20 kB, the app's state, socket and sync ~18 kB, then home's own code); see
 * docs/performance.md.
 */
const BUDGET_BYTES = 100_000;
const TEST_TIMEOUT = 120_000;
let server: RunningServer;

type Script = { path: string; gzipped: number };

/** Records every script the page fetches from here on (the decoder's worker included, were it asked for). */
function recordScripts(page: Page): Script[] {
  const scripts: Script[] = [];
  page.on("response", (response) => {
    const type = response.request().resourceType();
    const path = new URL(response.url()).pathname;
    if (type !== "script" && !path.endsWith(".js")) return;
    void response.body().then(
      (body) => scripts.push({ path, gzipped: gzipSync(body, { level: 9 }).length }),
      () => undefined,
    );
  });
  return scripts;
}

function report(screen: string, scripts: Script[]): number {
  const total = scripts.reduce((sum, s) => sum + s.gzipped, 0);
  const lines = [...scripts].sort((a, b) => b.gzipped - a.gzipped).map((s) => `  ${(s.gzipped / 1000).toFixed(1).padStart(6)} kB  ${s.path}`);
  console.log(`${screen}: ${scripts.length} scripts, ${(total / 1000).toFixed(1)} kB gzipped\n${lines.join("\n")}`);
  return total;
}

/** What the network brings once the screen shows: wait until nothing more is asked for. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(300);
}

describe("first load: the start page and home each load at most 100 kB of gzipped JavaScript", { timeout: 3 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  for (const launch of [launchPhone, launchDesktop]) {
    const device = launch === launchPhone ? "phone" : "desktop";

    test(`${device}: the signed-out landing`, { timeout: TEST_TIMEOUT }, async () => {
      const { context, page } = await track(launch());
      // No service worker here: it would precache the app and serve it past page.route (below).
      await context.route("**/sw.js", (route) => route.abort());
      const scripts = recordScripts(page);
      await page.goto(`${server.url}/`);
      await page.locator("#landing-title").waitFor();
      await settled(page);
      await shot(page, `first-load-landing-${device}`);
      assert.ok(!scripts.some((s) => /decoder|zxing/i.test(s.path)), "the QR decoder stays lazy");
      const total = report(`landing (${device})`, scripts);
      assert.ok(total <= BUDGET_BYTES, `the landing loads ${total} bytes of gzipped JavaScript, over ${BUDGET_BYTES}`);

      // Leaving the start page loads the app, which takes over at the path asked for. The app's
      // code is held back a moment here, to see the loading state.
      await page.route(/\/assets\/app-[^/]+\.js$/, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await route.continue();
      });
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByRole("main", { name: "Loading EasyQR" }).waitFor();
      await page.waitForTimeout(900);
      await shot(page, `first-load-loading-${device}`);
      await page.getByRole("heading", { name: "Sign in to EasyQR" }).waitFor();
      assert.equal(new URL(page.url()).pathname, "/sign-in");
      await shot(page, `first-load-sign-in-${device}`);
      // Back to the start page, now inside the app.
      await page.goBack();
      await page.locator("#landing-title").waitFor();
      assert.equal(await page.locator("#root > *").count(), 1, "one app on the page");
    });

    test(`${device}: the signed-in home`, { timeout: TEST_TIMEOUT }, async () => {
      const user = await makeUser(server, `first-load-${device}@example.com`, { name: "Fay Lowe", username: `firstload${device}` });
      const { page } = await track(launch());
      // A returning person's first visit: the session is stored before the page's first byte (as
      // signInAs stores it), nothing is cached and no service worker is installed yet.
      const { refreshToken, refreshTokenExpiresAt, sessionId } = user.tokens;
      const session = JSON.stringify({ refreshToken, refreshTokenExpiresAt, sessionId });
      await page.addInitScript({ content: `localStorage.getItem("easyqr.session") || localStorage.setItem("easyqr.session", ${JSON.stringify(session)});` });
      const home = page;
      const scripts = recordScripts(home);
      await home.goto(`${server.url}/home`);
      await home.locator("#chats-title").waitFor();
      await settled(home);
      await shot(home, `first-load-home-${device}`);
      assert.ok(!scripts.some((s) => /decoder|zxing/i.test(s.path)), "the QR decoder stays lazy");
      const total = report(`home (${device})`, scripts);
      assert.ok(total <= BUDGET_BYTES, `home loads ${total} bytes of gzipped JavaScript, over ${BUDGET_BYTES}`);
    });
  }
});
