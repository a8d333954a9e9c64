import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 120_000;
let server: RunningServer;

const look = (page: Page) =>
  page.evaluate(() => ({
    theme: document.documentElement.dataset.theme,
    background: getComputedStyle(document.body).backgroundColor,
    scheme: getComputedStyle(document.documentElement).colorScheme,
    themeColor: document.querySelector('meta[name="theme-color"]')?.getAttribute("content"),
  }));

const dark = { theme: "dark", background: "rgb(11, 20, 26)", scheme: "dark", themeColor: "#202c33" };
const light = { theme: "light", background: "rgb(238, 242, 244)", scheme: "light", themeColor: "#0b7a5c" };

describe("dark mode: follows the system, or the switch in Settings, from the first paint", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test(
    "System follows prefers-color-scheme live; Dark in Settings survives a reload and is set before the app's code runs",
    { timeout: TEST_TIMEOUT },
    async () => {
      try {
        const ola = await makeUser(server, "ola@example.com", { name: "Ola Berg", username: "ola" });
        const { page } = await track(launchPhone(undefined, "dark"));
        await page.goto(`${server.url}/`);
        assert.deepEqual(await look(page), dark, "a dark system gets dark with nothing chosen");
        await page.emulateMedia({ colorScheme: "light" });
        await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
        assert.deepEqual(await look(page), light, "and follows the system when it changes");

        await signInAs(page, server, ola);
        await page.goto(`${server.url}/settings`);
        const appearance = page.getByRole("group", { name: "Theme" });
        assert.equal(await appearance.getByRole("radio", { name: "System" }).isChecked(), true);
        await appearance.getByRole("radio", { name: "Dark" }).check();
        await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
        assert.deepEqual(await look(page), dark, "Dark wins over a light system");

        await page.reload();
        await page.getByRole("heading", { name: "Appearance" }).waitFor();
        assert.deepEqual(await look(page), dark, "remembered after a reload");
        assert.equal(await page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "Dark" }).isChecked(), true);

        // Without the app's scripts at all, the page is dark already: public/theme.js did it, before the first paint.
        await page.route(/\/assets\/.*\.js$/, (route) => route.abort());
        await page.goto(`${server.url}/settings`);
        // (The stylesheets come with the app's modules, so only the attribute and the bar colour can be read here.)
        const { theme, themeColor } = await look(page);
        assert.deepEqual({ theme, themeColor }, { theme: dark.theme, themeColor: dark.themeColor }, "dark without the app");
        await page.unroute(/\/assets\/.*\.js$/);

        await page.goto(`${server.url}/settings`);
        await page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "Light" }).check();
        await page.emulateMedia({ colorScheme: "dark" });
        await page.reload();
        await page.getByRole("heading", { name: "Appearance" }).waitFor();
        assert.deepEqual(await look(page), light, "Light wins over a dark system");
        await page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "System" }).check();
        await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
      } finally {
        await closeAll();
      }
    },
  );

  test("another tab of the same browser follows the switch", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const pia = await makeUser(server, "pia@example.com", { name: "Pia Lund", username: "pia" });
      const opened = await track(launchDesktop());
      await signInAs(opened.page, server, pia);
      await opened.page.goto(`${server.url}/settings`);
      await opened.page.getByRole("heading", { name: "Appearance" }).waitFor({ timeout: 60_000 });
      const other = await opened.context.newPage();
      await other.goto(`${server.url}/`);
      await opened.page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "Dark" }).check();
      await other.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    } finally {
      await closeAll();
    }
  });
});
