import { request as httpRequest } from "node:http";
import type { AuthTokens } from "@easyqr/protocol";
import { Me, VerifyCodeResponse } from "@easyqr/protocol";
import type { TestServer } from "./harness.ts";

export type Reply = { status: number; body: unknown; headers: Headers };

export type CallOptions = {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** The local address to call from (127.0.0.2, 127.0.0.3, …: all loopback): what the server sees as the client's IP. */
  from?: string;
};

/** One HTTP call with a JSON body (or none), optionally as a signed-in user. */
export async function call(server: TestServer, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.from) return callFrom(options.from, new URL(path, server.url), method, headers, options.body);
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: response.headers };
}

/** `fetch` cannot choose its source address; node:http can. */
function callFrom(localAddress: string, url: URL, method: string, headers: Record<string, string>, body: unknown): Promise<Reply> {
  const payload = body !== undefined ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers, localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        const replyHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === "string") replyHeaders.set(name, value);
        resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined, headers: replyHeaders });
      });
    });
    request.on("error", reject);
    request.end(payload);
  });
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
