import type { AuthTokens} from "@easyqr/protocol";
import { Me, VerifyCodeResponse } from "@easyqr/protocol";
import type { TestServer } from "./harness.ts";

export type Reply = { status: number; body: unknown; headers: Headers };

/** One HTTP call with a JSON body (or none), optionally as a signed-in user. */
export async function call(server: TestServer, method: string, path: string, options: { body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
}

/** The error code of an error reply. */
export function codeOf(reply: Reply): string | undefined {
  return (reply.body as { error?: { code?: string } } | undefined)?.error?.code;
}

/** The newest code the console driver logged for this identifier. */
export function loggedCode(server: TestServer, identifier: string): string {
  const prefix = `OTP for ${identifier}: `;
  for (let i = server.logs.length - 1; i >= 0; i--) {
    const msg = server.logs[i]?.msg;
    if (msg?.startsWith(prefix)) return msg.slice(prefix.length);
  }
  throw new Error(`no code was logged for ${identifier}`);
}

let counter = 0;
/** A fresh email address for this run. */
export function newEmail(prefix = "user"): string {
  return `${prefix}${++counter}.${process.pid}@example.com`;
}

export type SignedIn = { tokens: AuthTokens; user: Me; email: string };

/** Requests a code for this email (a new one by default), reads it from the log, verifies it. */
export async function signIn(server: TestServer, email = newEmail()): Promise<SignedIn> {
  const requested = await call(server, "POST", "/api/auth/request-code", { body: { email } });
  if (requested.status !== 200) throw new Error(`request-code: ${requested.status} ${JSON.stringify(requested.body)}`);
  const { requestId } = requested.body as { requestId: string };
  const verified = await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code: loggedCode(server, email.toLowerCase()) } });
  if (verified.status !== 200) throw new Error(`verify-code: ${verified.status} ${JSON.stringify(verified.body)}`);
  const { tokens, user } = VerifyCodeResponse.parse(verified.body);
  return { tokens, user, email };
}

/** A signed-in user with a name and username. */
export async function makeUser(server: TestServer, username: string, name = "Test User"): Promise<SignedIn> {
  const session = await signIn(server);
  const updated = await call(server, "PATCH", "/api/users/me", { token: session.tokens.accessToken, body: { name, username } });
  if (updated.status !== 200) throw new Error(`profile: ${updated.status} ${JSON.stringify(updated.body)}`);
  return { ...session, user: Me.parse(updated.body) };
}
