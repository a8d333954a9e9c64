import { Connection, ContactQr, ContactRequests, Connections, SendContactRequestResponse } from "@easyqr/protocol";
import { call, codeOf, makeUser, type Reply, type SignedIn } from "./api.ts";
import { TestSocket } from "./client.ts";
import type { TestServer } from "./harness.ts";

let usernames = 0;
/** A username no other test of this run has. */
export function newUsername(base = "user"): string {
  return `${base}_${++usernames}_${process.pid % 10_000}`;
}

/** `count` signed-in users with names and usernames. */
/** Contact limits no test reaches unless it means to. */
export const roomyContactLimits = { qrIssuesPerUser: 1000, previewsPerUser: 1000, requestsPerUser: 1000, requestsPerPair: 1000 };

export function makeUsers(server: TestServer, count: number, base = "user"): Promise<SignedIn[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => makeUser(server, newUsername(`${base}${i}`), `${base} ${i}`)));
}

/** A socket signed in as this user, past its AUTHENTICATED. */
export async function userSocket(server: TestServer, user: SignedIn): Promise<TestSocket> {
  const socket = await TestSocket.hello(server.url, { accessToken: user.tokens.accessToken });
  await socket.next("AUTHENTICATED");
  return socket;
}

/** The contacts API as one user. */
export function contactsOf(server: TestServer, user: SignedIn) {
  const token = user.tokens.accessToken;
  return {
    showQr: () => call(server, "POST", "/api/contacts/qr", { token }),
    hideQr: () => call(server, "DELETE", "/api/contacts/qr", { token }),
    preview: (qrToken: string) => call(server, "POST", "/api/contacts/qr/preview", { token, body: { token: qrToken } }),
    request: (body: { token: string } | { username: string }) => call(server, "POST", "/api/contacts/requests", { token, body }),
    requests: () => call(server, "GET", "/api/contacts/requests", { token }),
    accept: (id: string) => call(server, "POST", `/api/contacts/requests/${id}/accept`, { token }),
    decline: (id: string) => call(server, "POST", `/api/contacts/requests/${id}/decline`, { token }),
    cancel: (id: string) => call(server, "DELETE", `/api/contacts/requests/${id}`, { token }),
    connections: () => call(server, "GET", "/api/contacts/connections", { token }),
    connection: (userId: string) => call(server, "GET", `/api/contacts/connections/${userId}`, { token }),
    remove: (userId: string) => call(server, "DELETE", `/api/contacts/connections/${userId}`, { token }),
    block: (userId: string) => call(server, "PUT", `/api/contacts/blocks/${userId}`, { token }),
    unblock: (userId: string) => call(server, "DELETE", `/api/contacts/blocks/${userId}`, { token }),
    blocks: () => call(server, "GET", "/api/contacts/blocks", { token }),
  };
}

/** The body of a 2xx reply, parsed; anything else throws with the reply in the message. */
export function ok<T>(reply: Reply, schema: { parse(value: unknown): T }): T {
  if (reply.status < 200 || reply.status > 299) throw new Error(`expected success, got ${reply.status} ${codeOf(reply) ?? ""} ${JSON.stringify(reply.body)}`);
  return schema.parse(reply.body);
}

export async function myQr(server: TestServer, user: SignedIn): Promise<ContactQr> {
  return ok(await contactsOf(server, user).showQr(), ContactQr);
}

/** `from` scans `to`'s QR and sends a request; returns the request id. */
export async function requestByQr(server: TestServer, from: SignedIn, to: SignedIn): Promise<string> {
  const qr = await myQr(server, to);
  const sent = ok(await contactsOf(server, from).request({ token: qr.token }), SendContactRequestResponse);
  if (sent.outcome !== "requested") throw new Error(`expected a pending request, got ${sent.outcome}`);
  return sent.request.id;
}

/** Makes `a` and `b` connections the way people do: b scans a's QR, a accepts. */
export async function connect(server: TestServer, a: SignedIn, b: SignedIn): Promise<Connection> {
  const id = await requestByQr(server, b, a);
  return ok(await contactsOf(server, a).accept(id), Connection);
}

export async function connectionsOf(server: TestServer, user: SignedIn): Promise<Connection[]> {
  return ok(await contactsOf(server, user).connections(), Connections).connections;
}

export async function requestsOf(server: TestServer, user: SignedIn): Promise<ContactRequests> {
  return ok(await contactsOf(server, user).requests(), ContactRequests);
}

/** Waits until `check` holds (the server handles a socket's close on its own time); no fixed sleeps. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
