import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, codeFor, makeUser, recordScreens, screensSeen } from "./support/accounts.ts";
import { launchDesktop, launchPhone, shot, track, closeAll } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 120_000;

let server: RunningServer;
const heading = (page: Page, name: string | RegExp) => page.getByRole("heading", { level: 1, name }).waitFor();
const path = (page: Page) => new URL(page.url()).pathname;

/** From the landing page to the code screen for this email. */
async function requestCode(page: Page, email: string, device: string): Promise<void> {
  await page.goto(`${server.url}/`);
  await heading(page, "Chat with people you add by QR code");
  await shot(page, `landing-${device}`);
  await checkA11y(page, `landing (${device})`);
  await page.getByRole("link", { name: "Sign in" }).click();
  await heading(page, "Sign in to EasyQR");
  await page.getByLabel("Email address").fill("not an email");
  await page.getByRole("button", { name: "Send code" }).click();
  await page.getByRole("alert").filter({ hasText: "Enter an email address like name@example.com." }).waitFor();
  await page.getByLabel("Email address").fill(email);
  await shot(page, `sign-in-${device}`);
  await checkA11y(page, `sign-in (${device})`);
  await page.getByRole("button", { name: "Send code" }).click();
  await heading(page, "Enter your code");
  await page.getByText(`We sent a 6-digit code to ${email}`).waitFor();
}

/** Onboarding with live username availability: a taken name says so, a free one too. */
async function onboard(page: Page, device: string, profile: { name: string; username: string; taken: string }): Promise<void> {
  await heading(page, "Set up your profile");
  assert.equal(path(page), "/onboarding");
  const username = page.getByLabel("Username");
  await username.fill(profile.taken);
  await page
    .getByRole("status")
    .filter({ hasText: `@${profile.taken} is taken.` })
    .waitFor();
  await username.fill("no spaces");
  await page.getByRole("status").filter({ hasText: "A username is 3–32 letters, digits or _" }).waitFor();
  await username.fill(profile.username);
  await page
    .getByRole("status")
    .filter({ hasText: `@${profile.username} is available.` })
    .waitFor();
  await page.getByLabel("Your name").fill(profile.name);
  await shot(page, `onboarding-${device}`);
  await checkA11y(page, `onboarding (${device})`);
  await page.getByRole("button", { name: "Continue" }).click();
  await heading(page, "Chats");
  assert.equal(path(page), "/home");
}

describe("accounts in a real browser", { timeout: 3 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    await makeUser(server, "grace@example.com", { name: "Grace Hopper", username: "grace" });
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("sign up with the code from the server log, onboard, edit the profile and photo, reload, log out", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const phone = await track(launchPhone());
      const { page } = phone;
      page.on("response", (r) => {
        if (r.status() >= 400) phone.errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });
      await requestCode(page, "ada@example.com", "phone");
      await shot(page, "code-phone");
      await checkA11y(page, "code (phone)");
      // All six digits typed: the code is checked without pressing anything.
      await page.getByLabel("6-digit code").fill(await codeFor(server, "ada@example.com"));
      await onboard(page, "phone", { name: "Ada Lovelace", username: "ada_l", taken: "grace" });
      await page.getByText("@ada_l").waitFor();
      await shot(page, "home-phone");
      await checkA11y(page, "home (phone)");

      await page.getByRole("link", { name: "Settings" }).click();
      await heading(page, "Settings");
      // Privacy: the bio is for connections until shared with everyone (saved on choosing).
      assert.equal(await page.getByRole("radio", { name: "My connections" }).isChecked(), true);
      await page.getByRole("radio", { name: "Everyone" }).check();
      await page.getByRole("status").filter({ hasText: "Everyone can see your bio." }).waitFor();
      await checkA11y(page, "settings (phone)");

      // One form, one save: photo (picked and previewed), name and bio together; the server then serves the photo.
      const png = await page.screenshot({ clip: { x: 0, y: 0, width: 240, height: 240 } });
      const chooser = page.waitForEvent("filechooser");
      await page.getByRole("button", { name: "Choose photo" }).click();
      await (await chooser).setFiles({ name: "me.png", mimeType: "image/png", buffer: png });
      await page.getByRole("img", { name: "Preview of your new profile photo" }).waitFor();
      await page.getByLabel("Name", { exact: true }).fill("Ada King");
      await page.getByLabel("About").fill("Countess of Lovelace");
      await shot(page, "settings-avatar-preview-phone");
      assert.equal(await page.getByRole("button", { name: /^Save/ }).count(), 1, "one Save for the whole profile");
      await page.getByRole("button", { name: "Save changes" }).click();
      await page.getByRole("status").filter({ hasText: "Profile saved." }).waitFor();
      assert.equal(await page.getByRole("button", { name: "Save changes" }).isDisabled(), true, "nothing left to save");
      const photo = page.getByRole("img", { name: "Your profile photo" });
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('img[alt="Your profile photo"]');
        return img?.complete === true && img.naturalWidth > 0;
      });
      assert.match((await photo.getAttribute("src")) ?? "", /^\/api\/media\/avatars\/[\w-]+\.webp$/);
      await shot(page, "settings-phone");

      // Reload: still signed in, restored from the stored session, never a frame of sign-in or landing.
      await recordScreens(page);
      await page.goto(`${server.url}/home`);
      await heading(page, "Chats");
      await page.getByText("Ada King").waitFor();
      assert.equal(path(page), "/home");
      const screens = await screensSeen(page);
      assert.ok(
        screens.some((s) => s.startsWith("/home | Chats")),
        `the recorder saw the app: ${screens.join(" → ")}`,
      );
      assert.deepEqual(
        screens.filter((s) => /sign-in|Sign in|Chat with people/.test(s)),
        [],
        `no sign-in or landing on the way: ${screens.join(" → ")}`,
      );

      // Log out: sign-in with a word about it; the app is closed to this browser now.
      await page.getByRole("link", { name: "Settings" }).click();
      await page.getByRole("button", { name: "Log out", exact: true }).click();
      await heading(page, "Sign in to EasyQR");
      assert.equal(path(page), "/sign-in");
      await page.getByRole("status").filter({ hasText: "You have signed out." }).waitFor();
      assert.equal(await page.evaluate(() => localStorage.getItem("easyqr.session")), null);
      await page.goto(`${server.url}/home`);
      await heading(page, "Sign in to EasyQR");
      assert.equal(path(page), "/sign-in");
    } finally {
      await closeAll();
    }
  });

  test("a wrong code says so in words; the right one signs in; a dead session lands on sign-in with a message", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const desktop = await track(launchDesktop());
      const { page } = desktop;
      await requestCode(page, "Lin@Example.com".toLowerCase(), "desktop");
      const code = await codeFor(server, "lin@example.com");
      const wrongCode = (plus: number) => String((Number(code) + plus) % 1_000_000).padStart(6, "0");
      const checks: string[] = [];
      page.on("request", (r) => {
        if (new URL(r.url()).pathname === "/api/auth/verify-code") checks.push(r.postData() ?? "");
      });
      // The 6th digit sends the code; Enter (or Sign in) right after, and again after the answer, sends nothing more.
      const field = page.getByLabel("6-digit code");
      const signIn = page.getByRole("button", { name: /^(Sign in|Checking…)$/ });
      const wrong = wrongCode(1);
      await field.fill(wrong.slice(0, 5));
      await field.press(wrong.slice(5));
      await field.press("Enter");
      await page.getByRole("alert").filter({ hasText: "That code is not right. 4 tries left." }).waitFor();
      assert.equal(await signIn.isDisabled(), true, "the refused code cannot be sent again");
      await field.press("Enter");
      await page.waitForTimeout(500);
      assert.equal(checks.length, 1, "one check per code");
      await page.getByRole("alert").filter({ hasText: "That code is not right. 4 tries left." }).waitFor();
      await shot(page, "code-wrong-desktop");
      await checkA11y(page, "code with an error (desktop)");
      // A changed code can be checked again.
      await field.fill(wrongCode(2));
      await page.getByRole("alert").filter({ hasText: "That code is not right. 3 tries left." }).waitFor();
      assert.equal(checks.length, 2);
      await field.fill(code);
      await onboard(page, "desktop", { name: "Lin Wu", username: "lin", taken: "grace" });
      await shot(page, "home-desktop");
      await checkA11y(page, "home (desktop)");
      await page.getByRole("link", { name: "Settings" }).click();
      await heading(page, "Settings");
      await shot(page, "settings-desktop");
      await checkA11y(page, "settings (desktop)");

      // Signed in: the landing page and sign-in are never shown; the app opens instead.
      await page.goto(`${server.url}/`);
      await heading(page, "Chats");
      assert.equal(path(page), "/home");

      // The stored session dies (here: its refresh token is replaced by one the server never issued).
      await page.evaluate(() => {
        const stored = JSON.parse(localStorage.getItem("easyqr.session") ?? "{}") as Record<string, unknown>;
        localStorage.setItem("easyqr.session", JSON.stringify({ ...stored, refreshToken: "not-a-real-token" }));
      });
      await page.goto(`${server.url}/`);
      await heading(page, "Sign in to EasyQR");
      await page.getByRole("status").filter({ hasText: "Your saved sign-in is no longer valid. Please sign in again." }).waitFor();
      await shot(page, "sign-in-session-ended-desktop");
    } finally {
      await closeAll();
    }
  });

  test("a phone number that is not valid gets an error about what was typed (not about email or a missing +44)", { timeout: TEST_TIMEOUT }, async () => {
    try {
      const { page } = await track(launchPhone());
      await page.goto(`${server.url}/sign-in`);
      await heading(page, "Sign in to EasyQR");
      await page.getByRole("radio", { name: "Phone" }).check();
      const field = page.getByLabel("Phone number");
      const alert = page.getByRole("alert");
      await field.fill("+44 20 79");
      await page.getByRole("button", { name: "Send code" }).click();
      await alert.filter({ hasText: "That number is too short for +44: a digit may be missing." }).waitFor();
      await shot(page, "sign-in-phone-too-short-phone");
      await checkA11y(page, "sign-in with a phone error (phone)");
      assert.doesNotMatch((await alert.textContent()) ?? "", /email/i);
      await field.fill("+999 1234 5678");
      await page.getByRole("button", { name: "Send code" }).click();
      await alert.filter({ hasText: "That number does not start with a country code we know." }).waitFor();
      await field.fill("+44 20 7946 0000");
      await page.getByRole("button", { name: "Send code" }).click();
      await heading(page, "Enter your code");
    } finally {
      await closeAll();
    }
  });
});
