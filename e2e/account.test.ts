import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, nextCodeFor, signInAs } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { sendAs } from "./support/peer.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 150_000;
let server: RunningServer;

const path = (page: Page) => new URL(page.url()).pathname;

/** Settings → Account → Change email: a code goes to the new address; the answer is what the form shows. */
async function changeEmail(page: Page, to: string): Promise<void> {
  await page.getByRole("button", { name: "Change email" }).click();
  await page.getByLabel("New email address").fill(to);
  const code = await nextCodeFor(server, to, () => page.getByRole("button", { name: "Send code" }).click());
  await page.getByLabel(`Code sent to ${to}`).fill(code);
  await page.getByRole("button", { name: "Confirm" }).click();
}

describe("account: change the email, delete the account", { timeout: 2 * TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test(
    "the email changes with a code to the new one (a taken one is refused clearly); sign-in then works with the new one only",
    { timeout: TEST_TIMEOUT },
    async () => {
      try {
        const cal = await makeUser(server, "cal@example.com", { name: "Cal Ng", username: "cal" });
        await makeUser(server, "taken@example.com", { name: "Tia Ken", username: "tia" });
        const { page } = await track(launchDesktop());
        await signInAs(page, server, cal);
        await page.goto(`${server.url}/settings`);
        await page.getByTestId("account-email").getByText("cal@example.com").waitFor();

        await changeEmail(page, "taken@example.com");
        await page.getByRole("alert").filter({ hasText: "Another account uses this email address" }).waitFor();
        await page.getByRole("button", { name: "Cancel" }).click();

        await changeEmail(page, "cal.new@example.com");
        await page.getByRole("status").filter({ hasText: "Your email address is now cal.new@example.com." }).waitFor();
        await page.getByTestId("account-email").getByText("cal.new@example.com").waitFor();
        await shot(page, "account-email-changed-desktop");

        await page.getByRole("button", { name: "Log out", exact: true }).click();
        await page.getByLabel("Email address").fill("cal.new@example.com");
        const code = await nextCodeFor(server, "cal.new@example.com", () => page.getByRole("button", { name: "Send code" }).click());
        await page.getByLabel("6-digit code").fill(code);
        // Back where the log-out left: Settings, signed in as the same person under the new address.
        await page.waitForURL(/\/settings$/);
        await page.getByTestId("account-email").getByText("cal.new@example.com").waitFor();
      } finally {
        await closeAll();
      }
    },
  );

  test(
    "deleting: typed confirmation, this device lands signed out on the start page, the other device is signed out live, the contact sees a deleted account",
    { timeout: TEST_TIMEOUT },
    async () => {
      try {
        const dan = await makeUser(server, "dan@example.com", { name: "Dan Roe", username: "dan" });
        const danPhone = await makeUser(server, "dan@example.com", { name: "Dan Roe", username: "dan" });
        const eve = await makeUser(server, "eve@example.com", { name: "Eve Stone", username: "eve" });
        await connectUsers(server, dan, eve, "dan");
        await sendAs(server, dan, eve.id, "See you at the station");

        const desk = await track(launchDesktop());
        const phone = await track(launchPhone());
        const contact = await track(launchPhone());
        await signInAs(desk.page, server, dan);
        await signInAs(phone.page, server, danPhone);
        await signInAs(contact.page, server, eve);
        await phone.page.goto(`${server.url}/home`);
        await phone.page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
        await contact.page.goto(`${server.url}/home`);
        await contact.page.getByTestId("chat-row").filter({ hasText: "Dan Roe" }).click();
        const chat = contact.page.getByRole("region", { name: "Chat with Dan Roe" });
        await chat.getByText("See you at the station").waitFor();

        await desk.page.goto(`${server.url}/settings`);
        await desk.page.getByRole("button", { name: "Delete my account" }).click();
        const dialog = desk.page.getByRole("dialog", { name: "Delete your account?" });
        const confirm = dialog.getByRole("button", { name: "Delete account" });
        assert.equal(await confirm.isDisabled(), true, "nothing typed yet");
        await dialog.getByLabel(/Type your email address/).fill("someone@else.com");
        assert.equal(await confirm.isDisabled(), true, "the wrong address");
        await dialog.getByLabel(/Type your email address/).fill("dan@example.com");
        await checkA11y(desk.page, "delete account dialog (desktop)");
        await confirm.click();

        // This device: the start page, saying so, signed out.
        await desk.page.getByRole("status").filter({ hasText: "Your account was deleted" }).waitFor();
        assert.equal(path(desk.page), "/");
        assert.equal(await desk.page.evaluate(() => localStorage.getItem("easyqr.session")), null);
        // The other device: signed out live, on sign-in with a word about it.
        await phone.page.getByLabel("Email address").waitFor();
        assert.equal(path(phone.page), "/sign-in");
        await phone.page.getByRole("status").filter({ hasText: "signed out" }).waitFor();
        // The contact: the chat shows a deleted account, its messages gone, nothing to write to.
        const gone = contact.page.getByRole("region", { name: "Chat with Deleted account" });
        await gone.getByTestId("chat-status").getByText("this account was deleted").waitFor();
        assert.equal(await gone.getByText("See you at the station").count(), 0);
        assert.equal(await gone.getByRole("textbox", { name: "Message" }).isDisabled(), true);
        await shot(contact.page, "contact-sees-deleted-account-phone");
        // After a reload the chat is gone from the list (the server dropped it).
        await contact.page.goto(`${server.url}/home`);
        await contact.page.getByRole("heading", { level: 1, name: "Chats" }).waitFor();
        await contact.page.waitForTimeout(1000);
        assert.equal(await contact.page.getByTestId("chat-row").count(), 0);
      } finally {
        await closeAll();
      }
    },
  );
});
