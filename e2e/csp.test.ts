import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { connectUsers, makeUser, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, track } from "./support/browsers.ts";
import { collectCspViolations } from "./support/csp.ts";
import { createSession, desktopConnected } from "./support/desktop.ts";
import { scenicPng } from "./support/png.ts";
import { startServer, type RunningServer } from "./support/server.ts";
import { lumaFromPng, writeY4m } from "./support/y4m.ts";

const TEST_TIMEOUT = 150_000;

let server: RunningServer;
let videos: string;

const chatOf = (page: Page, name: string) => page.getByRole("region", { name: `Chat with ${name}` });

describe("the built client under the server's Content-Security-Policy", { timeout: TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    videos = mkdtempSync(join(tmpdir(), "easyqr-y4m-"));
  });

  after(async () => {
    await closeAll();
    await server?.stop();
    if (videos) rmSync(videos, { recursive: true, force: true });
  });

  test("pairing through the camera, a chat with a photo and a new avatar cause no violation", { timeout: TEST_TIMEOUT }, async () => {
    const desktopViolations: string[] = [];
    const phoneViolations: string[] = [];
    try {
      const desktop = await track(launchDesktop());
      await collectCspViolations(desktop, desktopViolations);
      const page = await desktop.page.goto(`${server.url}/`);
      const policy = (await page?.allHeaders())?.["content-security-policy"] ?? "";
      assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/, "the page is served with the policy");
      assert.match(policy, /frame-ancestors 'none'/);

      // Pairing: the QR (a data: image), then the phone's camera, its decoder worker and the worker's .wasm.
      const session = await createSession(desktop.page, server.url);
      const png = await desktop.page.getByRole("img", { name: /Pairing QR code/ }).screenshot();
      const video = join(videos, "pairing.y4m");
      writeY4m(video, await lumaFromPng(desktop.page, png));
      const phone = await track(launchPhone(video));
      await collectCspViolations(phone, phoneViolations);
      const workers: string[] = [];
      phone.page.on("worker", (worker) => workers.push(worker.url()));
      await phone.page.goto(`${server.url}/scan`);
      await phone.page.getByRole("status").filter({ hasText: "Connected" }).first().waitFor();
      await desktopConnected(desktop.page);
      await server.waitForLog(new RegExp(`Session ${session.sessionId} connected`));
      assert.ok(
        workers.some((url) => /\/assets\/decode\.worker-[\w-]+\.js$/.test(url)),
        `the decoder ran in its worker: ${workers.join(", ")}`,
      );

      // A chat: the socket, a photo uploaded and shown as blob: thumbnails on both sides.
      const dee = await makeUser(server, "dee-csp@example.com", { name: "Dee Ray", username: "deecsp" });
      const eli = await makeUser(server, "eli-csp@example.com", { name: "Eli Park", username: "elicsp" });
      await connectUsers(server, dee, eli, "deecsp");
      await signInAs(desktop.page, server, dee);
      await signInAs(phone.page, server, eli);
      await desktop.page.goto(`${server.url}/home`);
      await desktop.page.getByRole("button", { name: "Message Eli Park" }).click();
      await desktop.page.waitForURL(/\/home\/chat\/[\w-]+$/);
      await phone.page.goto(desktop.page.url());
      const dChat = chatOf(desktop.page, "Eli Park");
      await chatOf(phone.page, "Dee Ray").getByRole("heading", { name: "Dee Ray" }).waitFor();
      await dChat.getByTestId("attach-input").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: scenicPng(600, 400) });
      await desktop.page.waitForFunction(() => !document.querySelector<HTMLButtonElement>(".composer__send")?.disabled, undefined, { timeout: 30_000 });
      await dChat.getByRole("textbox", { name: "Message" }).fill("Under the policy");
      await dChat.getByRole("button", { name: "Send" }).click();
      await phone.page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>("[data-testid=attachment-image] img");
        return img !== null && img.complete && img.naturalWidth > 0 && img.src.startsWith("blob:");
      });

      // A new avatar: its preview is a blob: URL of the picked file, then the server's image.
      await phone.page.goto(`${server.url}/settings`);
      const chooser = phone.page.waitForEvent("filechooser");
      await phone.page.getByRole("button", { name: "Choose photo" }).click();
      await (await chooser).setFiles({ name: "me.png", mimeType: "image/png", buffer: scenicPng(240, 240) });
      const preview = phone.page.getByRole("img", { name: "Preview of your new profile photo" });
      await preview.waitFor();
      assert.match((await preview.getAttribute("src")) ?? "", /^blob:/);
      await phone.page.getByRole("button", { name: "Save changes" }).click();
      await phone.page.getByRole("status").filter({ hasText: "Profile saved." }).waitFor();
      await phone.page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('img[alt="Your profile photo"]');
        return img?.complete === true && img.naturalWidth > 0;
      });

      assert.deepEqual(desktopViolations, [], "no violation on the desktop");
      assert.deepEqual(phoneViolations, [], "no violation on the phone");
    } catch (error) {
      // A step that timed out may have timed out because the policy refused something: say what.
      const seen = [...desktopViolations, ...phoneViolations];
      if (seen.length) console.log(`CSP violations so far:\n  ${seen.join("\n  ")}`);
      throw error;
    } finally {
      await closeAll();
    }
  });
});
