import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { checkA11y, connectUsers, makeUser, signInAs, type MadeUser } from "./support/accounts.ts";
import { closeAll, launchDesktop, launchPhone, shot, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

const TEST_TIMEOUT = 150_000;
/** A time as the browser's locale shows it: 10:05, or 10:05 AM. */
const T = "\\d\\d:\\d\\d(?: [AP]M)?";

let server: RunningServer;
let ann: MadeUser;
const used: string[] = [];

const messageWith = (page: Page, text: string) => page.getByTestId("message").filter({ hasText: text });
const chatRow = (page: Page, name: string) => page.getByTestId("chat-row").filter({ hasText: name });

/** A sign-in of an existing person on another device, over the API, naming the device as the web client does at sign-in. */
async function signInDevice(email: string, device: { name: string; platform: string }): Promise<MadeUser> {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.ok(response.ok, `${path}: ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const { requestId } = (await post("/api/auth/request-code", { email })) as { requestId: string };
  // The log keeps every code sent to this address: the newest is one not used yet.
  const skip = used.map((c) => `(?!${c})`).join("");
  const line = await server.waitForLog(new RegExp(`OTP for ${email.replace(/\./g, "\\.")}: ${skip}(\\d{6})`));
  const code = /: (\d{6})/.exec(line)?.[1] ?? "";
  used.push(code);
  const { tokens, user } = (await post("/api/auth/verify-code", { requestId, code, device })) as unknown as MadeUser & { user: { id: string } };
  return { id: user.id, tokens };
}

async function openInfo(page: Page, text: string): Promise<ReturnType<Page["getByTestId"]>> {
  await messageWith(page, text).getByRole("button", { name: "Message actions" }).click();
  await page.getByRole("button", { name: "Message info" }).click();
  const dialog = page.getByTestId("message-info");
  await dialog.getByRole("heading", { name: "Message info" }).waitFor();
  return dialog;
}

describe("Message info: per-device receipts in real browsers", { timeout: TEST_TIMEOUT }, () => {
  before(async () => {
    server = await startServer();
    ann = await makeUser(server, "ann@example.com", { name: "Ann Lee", username: "ann" });
    const ben = await makeUser(server, "ben@example.com", { name: "Ben Okafor", username: "ben" });
    await connectUsers(server, ann, ben, "ann");
  });

  after(async () => {
    await closeAll();
    await server?.stop();
  });

  test("Ben on his phone and his desktop: Ann's Message info shows when each got her message and where it was read", { timeout: TEST_TIMEOUT }, async () => {
    try {
      // makeUser's own codes were the first sent to each.
      for (const email of [/ann@example\.com/, /ben@example\.com/])
        used.push(/: (\d{6})/.exec(await server.waitForLog(new RegExp(`OTP for ${email.source}: (\\d{6})`)))?.[1] ?? "");
      const annDesktop = await signInDevice("ann@example.com", { name: "Chrome on Linux", platform: "Linux" });
      const benPhone = await signInDevice("ben@example.com", { name: "Chrome on Pixel 8", platform: "Android" });
      const benDesktop = await signInDevice("ben@example.com", { name: "Chrome on Linux", platform: "Linux" });
      const a = await track(launchDesktop());
      const phone = await track(launchPhone());
      const desk = await track(launchDesktop());
      await signInAs(a.page, server, annDesktop);
      await signInAs(phone.page, server, benPhone);
      await signInAs(desk.page, server, benDesktop);
      for (const page of [a.page, phone.page, desk.page]) await page.goto(`${server.url}/home`);

      await a.page.getByRole("button", { name: "Message Ben Okafor" }).click();
      const aChat = a.page.getByRole("region", { name: "Chat with Ben Okafor" });
      const field = aChat.getByRole("textbox", { name: "Message" });
      await field.fill("On both of your screens?");
      await field.press("Enter");

      // Both of Ben's devices get it (each says delivered); he reads it on the desktop.
      await chatRow(phone.page, "Ann Lee").getByTestId("unread-badge").getByText("1").waitFor();
      await chatRow(desk.page, "Ann Lee").click();
      await messageWith(desk.page, "On both of your screens?").waitFor();
      // Reading on the desktop clears the phone's badge.
      await chatRow(phone.page, "Ann Lee").getByTestId("unread-badge").waitFor({ state: "detached", timeout: 2_000 });

      const info = await openInfo(a.page, "On both of your screens?");
      const phoneRow = info.getByTestId("device-receipt").filter({ hasText: "Chrome on Pixel 8" });
      const deskRow = info.getByTestId("device-receipt").filter({ hasText: "Chrome on Linux" });
      await phoneRow.getByText(/Not read yet/).waitFor();
      await deskRow.getByText(new RegExp(`Delivered ${T} · Read ${T}`)).waitFor();
      assert.match((await deskRow.getAttribute("aria-label")) ?? "", new RegExp(`^Delivered to Chrome on Linux ${T} · Read on Chrome on Linux ${T}$`));
      await shot(a.page, "message-info-desktop");
      await checkA11y(a.page, "message info (desktop)");

      // Ben opens it on the phone too: the open panel catches up (it asks again every 10 s).
      await chatRow(phone.page, "Ann Lee").click();
      await messageWith(phone.page, "On both of your screens?").waitFor();
      await phoneRow.getByText(new RegExp(`Read ${T}`)).waitFor({ timeout: 15_000 });
      await info.getByRole("button", { name: "Close" }).click();
      await info.waitFor({ state: "detached" });

      // Phone viewport: Ben's reply, read by Ann, seen from Ben's phone.
      const phoneField = phone.page.getByRole("textbox", { name: "Message" });
      await phoneField.fill("Yes, and on the phone");
      await phoneField.press("Enter");
      await messageWith(a.page, "Yes, and on the phone").waitFor();
      const phoneInfo = await openInfo(phone.page, "Yes, and on the phone");
      await phoneInfo
        .getByTestId("device-receipt")
        .getByText(new RegExp(`Read ${T}`))
        .waitFor();
      await shot(phone.page, "message-info-phone");
      await checkA11y(phone.page, "message info (phone)");
      assert.deepEqual(
        [...a.errors, ...phone.errors, ...desk.errors].filter((e) => !e.includes("favicon")),
        [],
      );
    } finally {
      await closeAll();
    }
  });
});
