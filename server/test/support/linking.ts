import {
  LinkClaim,
  linkSignedData,
  parseLinkQr,
  refreshSignedData,
  RefreshResponse,
  VerifyCodeResponse,
  type AuthTokens,
  type ServerEventOf,
} from "@easyqr/protocol";
import { call, codeOf, type SignedIn } from "./api.ts";
import { TestSocket } from "./client.ts";
import type { TestServer } from "./harness.ts";

/** A desktop's key as the browser makes it: WebCrypto ECDSA P-256, the private half not extractable. */
export type DesktopKey = { publicKey: string; fingerprint: string; sign(text: string): Promise<string> };

export async function desktopKey(): Promise<DesktopKey> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const spki = await crypto.subtle.exportKey("spki", pair.publicKey);
  const digest = await crypto.subtle.digest("SHA-256", spki);
  return {
    publicKey: Buffer.from(spki).toString("base64url"),
    fingerprint: Buffer.from(digest).toString("base64url"),
    sign: async (text) =>
      Buffer.from(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, new TextEncoder().encode(text))).toString("base64url"),
  };
}

export const desktopDevice = { name: "Firefox on Linux", platform: "Linux" };

/** A signed-out desktop's socket showing its first link QR. */
export async function openLink(server: TestServer, key?: DesktopKey) {
  const k = key ?? (await desktopKey());
  const socket = await TestSocket.hello(server.url, { link: { publicKey: k.publicKey, device: desktopDevice } });
  const code = await socket.next("LINK_CODE");
  const qr = parseLinkQr(code.qr.url);
  if (!qr) throw new Error(`not a link QR: ${code.qr.url}`);
  return { key: k, socket, code, ref: qr.ref, fingerprint: qr.fingerprint, linkId: code.linkId };
}

export async function claim(server: TestServer, phone: SignedIn, body: object, from?: string) {
  return call(server, "POST", "/api/link/claim", { token: phone.tokens.accessToken, body, ...(from ? { from } : {}) });
}

export async function claimed(server: TestServer, phone: SignedIn, body: object): Promise<LinkClaim> {
  const reply = await claim(server, phone, body);
  if (reply.status !== 200) throw new Error(`claim: ${reply.status} ${JSON.stringify(reply.body)}`);
  return LinkClaim.parse(reply.body);
}

export function approve(server: TestServer, phone: SignedIn, linkId: string) {
  return call(server, "POST", `/api/link/${linkId}/approve`, { token: phone.tokens.accessToken });
}

export function deny(server: TestServer, phone: SignedIn, linkId: string) {
  return call(server, "POST", `/api/link/${linkId}/deny`, { token: phone.tokens.accessToken });
}

export async function redeem(server: TestServer, linkId: string, approved: ServerEventOf<"LINK_APPROVED">, key: DesktopKey) {
  return call(server, "POST", "/api/link/redeem", {
    body: { linkId, ticket: approved.ticket, signature: await key.sign(linkSignedData(linkId, approved.ticket)) },
  });
}

/** The whole flow: a desktop links to this phone's account; returns the desktop's session and key. */
export async function linkDesktop(server: TestServer, phone: SignedIn, key?: DesktopKey) {
  const link = await openLink(server, key);
  await claimed(server, phone, { ref: link.ref });
  const approved = await approve(server, phone, link.linkId);
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  const ticket = await link.socket.next("LINK_APPROVED");
  const reply = await redeem(server, link.linkId, ticket, link.key);
  if (reply.status !== 200) throw new Error(`redeem: ${reply.status} ${JSON.stringify(reply.body)}`);
  const redeemed = VerifyCodeResponse.parse(reply.body);
  return { ...link, ticket, tokens: redeemed.tokens, user: redeemed.user };
}

/** A key-bound refresh: signed with `key` at the server's time (or `at`). */
export async function refreshSigned(server: TestServer, tokens: AuthTokens, key: DesktopKey, at = server.clock.now()) {
  const signature = await key.sign(refreshSignedData(tokens.refreshToken, at));
  return call(server, "POST", "/api/auth/refresh", { body: { refreshToken: tokens.refreshToken, proof: { at, signature } } });
}

export function refreshedTokens(reply: Awaited<ReturnType<typeof call>>): AuthTokens {
  if (reply.status !== 200) throw new Error(`refresh: ${reply.status} ${codeOf(reply)}`);
  return RefreshResponse.parse(reply.body).tokens;
}
