import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { launchDesktop, launchPhone, shot, type Opened, track, closeAll } from "./support/browsers.ts";
import { createSession, desktopConnected } from "./support/desktop.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { lumaFromPng, lumaFromText, writeY4m } from "./support/y4m.ts";

const TEST_TIMEOUT = 90_000;

let server: RunningServer;
let videos: string;
/** The phone's big status once CONNECTED arrived. */
function phoneConnected(phone: Opened) {
  return phone.page.getByRole("status").filter({ hasText: "Connected" }).first().waitFor();
}

describe("pairing a phone with the desktop in real browsers", { timeout: 5 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    videos = mkdtempSync(join(tmpdir(), "easyqr-y4m-"));
  });

  after(async () => {
    await closeAll();
    await server?.stop();
    if (videos) rmSync(videos, { recursive: true, force: true });
  });

  test("the phone's camera reads the QR the desktop rendered, and both say Connected", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      const desktopRequests: string[] = [];
      desktop.page.on("request", (r) => desktopRequests.push(r.url()));
      const session = await createSession(desktop.page, server.url);
      await shot(desktop.page, "desktop-waiting");
      assert.deepEqual(
        desktopRequests.filter((u) => /zxing|decode|worker/i.test(u)),
        [],
        "the desktop does not load the decoder",
      );
      assert.deepEqual(
        desktopRequests.filter((u) => u.includes("/create-session")),
        [],
        "the desktop makes its session on its socket",
      );
      assert.match(session.qrText, new RegExp(`^${server.url}/pair#sid=${session.sessionId}&t=`));

      const png = await desktop.page.getByRole("img", { name: /Pairing QR code/ }).screenshot();
      const video = join(videos, "pairing.y4m");
      writeY4m(video, await lumaFromPng(desktop.page, png));

      const phone = await track(launchPhone(video));
      const requests: string[] = [];
      phone.page.on("request", (r) => requests.push(r.url()));
      await phone.page.goto(`${server.url}/scan`);
      await phoneConnected(phone);
      const status = await desktopConnected(desktop.page);
      assert.match(status, /Connected — Chrome on Pixel 8/);
      await server.waitForLog(new RegExp(`Session ${session.sessionId} connected`));
      await shot(phone.page, "phone-scan-connected");
      await shot(desktop.page, "desktop-connected");

      assert.ok(
        requests.some((u) => /\/assets\/zxing_reader-[\w-]+\.wasm$/.test(u)),
        "the decoder's wasm came from our server",
      );
      assert.deepEqual(
        requests.filter((u) => !u.startsWith(server.url) && !/^(data|blob):/.test(u)),
        [],
        "nothing fetched from elsewhere",
      );
    } finally {
      await closeAll();
    }
  });

  test("/pair#… opened directly (the phone's camera app) links without our scanner", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      const session = await createSession(desktop.page, server.url);
      const phone = await track(launchPhone());
      await phone.page.goto(session.qrText);
      await phoneConnected(phone);
      await desktopConnected(desktop.page);
      await server.waitForLog(new RegExp(`Session ${session.sessionId} connected`));
      assert.equal(new URL(phone.page.url()).hash, "", "the single-use token leaves the address bar");
      await shot(phone.page, "phone-pair-connected");
      await phone.page.getByRole("button", { name: "Start scanning" }).waitFor();
    } finally {
      await closeAll();
    }
  });

  test("scanner mode: a code in front of the linked phone's camera appears once in the desktop history", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      const session = await createSession(desktop.page, server.url);

      // Link a phone through /pair, then bring the same phone back with a camera that sees another code.
      const linking = await track(launchPhone());
      await linking.page.goto(session.qrText);
      await phoneConnected(linking);
      await desktopConnected(desktop.page);
      const credential = await linking.page.evaluate(() => localStorage.getItem("easyqr.phone"));
      assert.ok(credential, "the phone stored its resume secret");
      await linking.browser.close();
      await desktop.page.getByRole("status").filter({ hasText: "Disconnected — waiting for the phone to come back" }).waitFor();

      const video = join(videos, "hello.y4m");
      writeY4m(video, lumaFromText("HELLO-EASYQR-123"));
      const phone = await track(launchPhone(video));
      await phone.page.goto(`${server.url}/`);
      await phone.page.evaluate((value) => localStorage.setItem("easyqr.phone", value), credential);
      await phone.page.goto(`${server.url}/scan`);
      await phoneConnected(phone);
      await desktopConnected(desktop.page);

      const row = desktop.page.getByTestId("scan-row").filter({ hasText: "HELLO-EASYQR-123" });
      await row.waitFor();
      await phone.page.getByText("All scans delivered").waitFor();
      assert.equal(await row.count(), 1, "the scan is shown once");
      assert.match((await row.textContent()) ?? "", /QR/);

      // A reload of the desktop resumes the same session and shows the history once, from storage and the server's backlog.
      await desktop.page.reload();
      await desktopConnected(desktop.page);
      await row.waitFor();
      assert.equal(await row.count(), 1, "still once after the reload");
      await shot(phone.page, "phone-scanner");
      await shot(desktop.page, "desktop-history");
    } finally {
      await closeAll();
    }
  });

  test("a phone without a camera types the code shown on the desktop", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      const session = await createSession(desktop.page, server.url);
      const phone = await track(launchPhone());
      await phone.page.goto(`${server.url}/scan`);
      // Without a camera the page settles on explaining why, with the code form open.
      await phone.page.locator(".camera:not([data-camera-status=starting]):not([data-camera-status=off])").waitFor();
      const input = phone.page.getByLabel("Pairing code");
      const typeInstead = phone.page.getByRole("button", { name: "Type the code instead" });
      if (await typeInstead.isVisible()) await typeInstead.click();
      assert.notEqual(await phone.page.locator(".camera").getAttribute("data-camera-status"), "scanning");
      await shot(phone.page, "phone-scan-code-entry");

      await input.fill("ZZZZ-ZZZZ");
      await input.press("Enter");
      await phone.page.getByRole("alert").filter({ hasText: "No desktop is showing that code" }).waitFor();

      await input.fill(session.code.toLowerCase());
      await input.press("Enter");
      await phoneConnected(phone);
      await desktopConnected(desktop.page);
      await server.waitForLog(new RegExp(`Session ${session.sessionId} connected`));
      // Linked: the "No camera … type the code" box is gone; one line says this phone cannot scan.
      await phone.page.locator(".camera__message").waitFor({ state: "detached" });
      await phone.page.getByText("This device has no camera it can use here, so it cannot scan.").waitFor();
      await shot(phone.page, "phone-linked-no-camera");
      // The desktop goes away: the phone's banner says so instead of "Connected".
      await desktop.browser.close();
      const banner = phone.page.getByTestId("phone-banner");
      await banner.filter({ hasText: "Desktop away" }).waitFor({ timeout: 30_000 });
      assert.doesNotMatch((await banner.textContent()) ?? "", /Connected/);
      await shot(phone.page, "phone-desktop-away");
    } finally {
      await closeAll();
    }
  });
});
