import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { checkA11y, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { lumaFromText, writeY4m } from "./support/y4m.ts";

const TEST_TIMEOUT = 150_000;
const CODE_TEXT = "EASYQR-SCAN-TO-DESKTOP-4006381333931";

let server: RunningServer;
let videos: string;
let ann: MadeUser;

describe("scan to desktop in real browsers", { timeout: TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    videos = mkdtempSync(join(tmpdir(), "easyqr-scan-desktop-y4m-"));
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
  });

  after(async () => {
    await closeAll();
    await server?.stop();
    if (videos) rmSync(videos, { recursive: true, force: true });
  });

  test("signed-in phone + its linked desktop → Scan to desktop → the camera's code appears on the desktop", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const video = join(videos, "code.y4m");
      writeY4m(video, lumaFromText(CODE_TEXT));
      const phone = await track(launchPhone(video));
      await signInAs(phone.page, server, ann);

      // No computer linked yet: the phone says so and offers linking one.
      await phone.page.goto(`${server.url}/home`);
      await phone.page.getByRole("link", { name: /Scan to desktop/ }).click();
      await phone.page.getByText("No computer is linked to your account yet").waitFor();
      await phone.page.getByRole("link", { name: "Link a desktop" }).waitFor();
      await shot(phone.page, "scan-to-desktop-none");

      // Link the desktop (the phone opens the desktop's link URL, as its camera app would).
      const desktop = await track(launchDesktop());
      await desktop.page.goto(`${server.url}/desktop`);
      const qr = desktop.page.getByRole("img", { name: /Link QR code/ });
      await qr.waitFor();
      const url = (await qr.getAttribute("data-qr-text")) ?? "";
      await phone.page.goto(url);
      await phone.page.getByRole("region", { name: "Link this computer to your account?" }).getByRole("button", { name: "Approve" }).click();
      await phone.page.getByRole("heading", { name: "Linked" }).waitFor();
      await desktop.page.waitForURL(/\/home$/);

      // The desktop opens its scans panel: empty.
      await desktop.page.getByRole("link", { name: /Scans from your phone/ }).click();
      await desktop.page.waitForURL(/\/home\/scans$/);
      const history = desktop.page.getByRole("region", { name: /Scans/ });
      await history.getByText("Scan a barcode or QR code").waitFor();

      // The phone picks its one online computer by itself and scans the code in front of the camera.
      await phone.page.goto(`${server.url}/home/scan-to-desktop`);
      await phone.page.getByTestId("scan-target").getByText("Scanning to Chrome on Linux").waitFor();
      const row = desktop.page.getByTestId("scan-row").filter({ hasText: CODE_TEXT }).first();
      await row.waitFor();
      await phone.page.getByText("All scans delivered").waitFor();
      await shot(phone.page, "scan-to-desktop-phone");
      await shot(desktop.page, "scan-to-desktop-desktop");
      await checkA11y(phone.page, "scan to desktop (phone)");
      await checkA11y(desktop.page, "scans panel (desktop)");

      // The phone stops scanning: every scan it made is on the desktop once (a slow decoder may read the code twice: two scans).
      const made = await phone.page.locator(".recent__item").count();
      await phone.page.goto(`${server.url}/home`);
      const rows = desktop.page.getByTestId("scan-row");
      assert.equal(await rows.count(), made);
      assert.ok((await rows.allTextContents()).every((text) => text.includes(CODE_TEXT)));
      // The desktop keeps its history across a reload, once.
      await desktop.page.reload();
      await row.waitFor();
      assert.equal(await rows.count(), made);
    } finally {
      await closeAll();
    }
  });
});
