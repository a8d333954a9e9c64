import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Locator } from "playwright-core";
import { makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { createSession, desktopConnected } from "./support/desktop.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 120_000;
let server: RunningServer;
let shots: string;

function hasZbarimg(): boolean {
  try {
    execFileSync("zbarimg", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const zbar = hasZbarimg();

/** What zbarimg reads in a screenshot of the QR as the page shows it at device pixel ratio 1 (the test browser's). */
async function decode(qr: Locator, name: string): Promise<string> {
  const file = join(shots, `${name}.png`);
  writeFileSync(file, await qr.screenshot());
  try {
    return execFileSync("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

async function checkQr(qr: Locator, name: string): Promise<void> {
  await qr.waitFor();
  const text = (await qr.getAttribute("data-qr-text")) ?? "";
  const size = Number(await qr.getAttribute("data-qr-size"));
  assert.ok(text.length > 0);
  assert.equal(await qr.evaluate(() => window.devicePixelRatio), 1, "checked at device pixel ratio 1");
  assert.equal(await decode(qr, name), text, `${name} (${text.length} characters at ${size} px) decodes`);
}

describe("every QR the app shows decodes at device pixel ratio 1 (zbarimg)", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    shots = mkdtempSync(join(tmpdir(), "easyqr-qr-"));
  });

  after(async () => {
    await closeAll();
    await server?.stop();
    rmSync(shots, { recursive: true, force: true });
  });

  for (const scheme of ["light", "dark"] as const)
    test(
      `pairing QR, 'Add another phone' QR and My QR (${scheme} mode: codes stay dark on light)`,
      { timeout: TEST_TIMEOUT, skip: zbar ? false : "zbarimg is not installed (apt-get install zbar-tools; .ci/run installs it)" },
      async () => {
        try {
          const desktop = await track(launchDesktop(scheme));
          const session = await createSession(desktop.page, server.url);
          assert.equal(await desktop.page.evaluate(() => document.documentElement.dataset.theme), scheme);
          await checkQr(desktop.page.getByRole("img", { name: /Pairing QR code/ }), `pairing-${scheme}`);

          // A phone links by typing the code; then "Allow more phones" shows the join QR.
          const phone = await track(launchPhone(undefined, scheme));
          await phone.page.goto(`${server.url}/scan`);
          await phone.page.locator(".camera:not([data-camera-status=starting]):not([data-camera-status=off])").waitFor();
          const typeInstead = phone.page.getByRole("button", { name: "Type the code instead" });
          if (await typeInstead.isVisible()) await typeInstead.click();
          await phone.page.getByLabel("Pairing code").fill(session.code);
          await phone.page.getByLabel("Pairing code").press("Enter");
          await desktopConnected(desktop.page);
          await desktop.page.getByRole("switch", { name: "Allow more phones" }).check();
          const join = desktop.page.getByRole("img", { name: "QR code for adding another phone" });
          await join.waitFor();
          await shot(desktop.page, "desktop-add-another-phone");
          assert.ok(Number(await join.getAttribute("data-qr-size")) >= 250, "a long join URL gets a larger code");
          await checkQr(join, `join-${scheme}`);

          const una = await makeUser(server, `una-${scheme}@example.com`, { name: "Una Vale", username: `una_${scheme}` });
          const me = await track(launchDesktop(scheme));
          await signInAs(me.page, server, una);
          await me.page.goto(`${server.url}/home/qr`);
          await checkQr(me.page.getByRole("img", { name: /QR code to add Una Vale/ }), `myqr-${scheme}`);
        } finally {
          await closeAll();
        }
      },
    );
});
