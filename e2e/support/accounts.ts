import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import type { RunningServer } from "./server.ts";

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The code the console OTP driver logged for this identifier (`OTP for <identifier>: <code>`). */
export async function codeFor(server: RunningServer, identifier: string): Promise<string> {
  const pattern = new RegExp(`OTP for ${escape(identifier)}: (\\d{6})`);
  const line = await server.waitForLog(pattern);
  const code = pattern.exec(line)?.[1];
  assert.ok(code, `a code in ${line}`);
  return code;
}

/**
 * The code sent by `send` (which asks for one): codeFor finds the first code ever logged for an
 * identifier, this one the code logged after `send` started (a second sign-in, a change of address).
 */
export async function nextCodeFor(server: RunningServer, identifier: string, send: () => Promise<unknown>): Promise<string> {
  const pattern = new RegExp(`OTP for ${escape(identifier)}: (\\d{6})`);
  const before = server.lines.filter((line) => pattern.test(line)).length;
  await send();
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = server.lines.filter((l) => pattern.test(l))[before];
    const code = line ? pattern.exec(line)?.[1] : undefined;
    if (code) return code;
    assert.ok(Date.now() < deadline, `a new code for ${identifier}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function api(server: RunningServer, path: string, init: { method: string; body?: unknown; token?: string }): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method: init.method,
    headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: JSON.stringify(init.body ?? {}),
  });
  const json: unknown = await response.json();
  assert.ok(response.ok, `${path}: ${JSON.stringify(json)}`);
  return json;
}

export type MadeUser = {
  id: string;
  tokens: { accessToken: string; refreshToken: string; refreshTokenExpiresAt: number; sessionId: string };
};

/** Another user, made over the API (no browser): signed up and onboarded. Again with the same email: another session of that user. */
export async function makeUser(server: RunningServer, email: string, profile: { name: string; username: string }): Promise<MadeUser> {
  let requestId = "";
  const code = await nextCodeFor(server, email, async () => {
    ({ requestId } = (await api(server, "/api/auth/request-code", { method: "POST", body: { email } })) as { requestId: string });
  });
  const { tokens, user } = (await api(server, "/api/auth/verify-code", { method: "POST", body: { requestId, code } })) as MadeUser & { user: { id: string } };
  await api(server, "/api/users/me", { method: "PATCH", body: profile, token: tokens.accessToken });
  return { id: user.id, tokens };
}

/**
 * Signs a browser page in as a made user without the sign-in screens: stores the session the
 * way the app does (its refresh token), so the page's first refresh gets it an access token.
 * Use each MadeUser in one browser only: refresh tokens are single use.
 */
export async function signInAs(page: Page, server: RunningServer, user: MadeUser): Promise<void> {
  await page.goto(`${server.url}/`);
  // The app loads after `load` (main.ts imports it): let it show the signed-out landing first, or
  // it would find the session below and spend the refresh token that the next page load spends again.
  await page.locator("#landing-title").waitFor();
  const { refreshToken, refreshTokenExpiresAt, sessionId } = user.tokens;
  await page.evaluate((value) => localStorage.setItem("easyqr.session", value), JSON.stringify({ refreshToken, refreshTokenExpiresAt, sessionId }));
}

/** Fails on serious or critical axe-core violations of the page as it is now. */
export async function checkA11y(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`);
  assert.deepEqual(described, [], `accessibility of ${where}`);
}

/**
 * Records, from the first paint of every document, each (path, first heading) the page shows,
 * so a test can prove that a screen never appeared, not even for a frame.
 */
export async function recordScreens(page: Page): Promise<void> {
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  await page.addInitScript({
    content: `(() => {
      const seen = (window.__screens = []);
      const note = () => {
        const entry = location.pathname + " | " + (document.querySelector("h1")?.textContent ?? "");
        if (seen[seen.length - 1] !== entry) seen.push(entry);
      };
      note();
      new MutationObserver(note).observe(document, { subtree: true, childList: true, characterData: true });
    })();`,
  });
}

export function screensSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __screens?: string[] }).__screens ?? []);
}

/** Connects two made users over the API (b asks by username, a accepts): the QR flow has its own test. */
export async function connectUsers(server: RunningServer, a: MadeUser, b: MadeUser, aUsername: string): Promise<void> {
  const sent = (await api(server, "/api/contacts/requests", { method: "POST", body: { username: aUsername }, token: b.tokens.accessToken })) as {
    outcome: string;
    request?: { id: string };
  };
  if (sent.outcome === "connected") return;
  const incoming = (await fetch(`${server.url}/api/contacts/requests`, { headers: { authorization: `Bearer ${a.tokens.accessToken}` } }).then((r) =>
    r.json(),
  )) as { incoming: { id: string }[] };
  const request = incoming.incoming[0];
  assert.ok(request, "a request waits for A");
  await api(server, `/api/contacts/requests/${request.id}/accept`, { method: "POST", token: a.tokens.accessToken });
}
