import assert from "node:assert/strict";
import WebSocket from "ws";
import { linkSignedData, parseLinkQr } from "@easyqr/protocol";
import type { RunningServer } from "./server.ts";

type Json = Record<string, unknown>;

async function post(server: RunningServer, path: string, body: unknown, token?: string): Promise<Json> {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Json;
  assert.ok(response.ok, `${path}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Links a desktop to the account without a browser (as many desktops as a test needs): a link socket
 * with a fresh WebCrypto key, claimed and approved with the account's access token, redeemed with
 * the key's signature. The browser flow has its own test; this only fills the account's devices.
 */
export async function linkDesktopOverApi(server: RunningServer, accessToken: string, name: string): Promise<void> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const publicKey = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64url");
  const socket = new WebSocket(`${server.url.replace("http", "ws")}/ws`, { origin: server.url });
  const events: Json[] = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data: Buffer) => {
    events.push(JSON.parse(data.toString("utf8")) as Json);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (type: string): Promise<Json> => {
    for (;;) {
      const found = events.find((e) => e.type === type);
      if (found) return found;
      await new Promise<void>((resolve, reject) => {
        waiters.push(resolve);
        setTimeout(() => reject(new Error(`no ${type} on the link socket`)), 10_000);
      });
    }
  };
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ link: { publicKey, device: { name, platform: "Linux" } } }));
  try {
    const code = await next("LINK_CODE");
    const qr = parseLinkQr((code.qr as { url: string }).url);
    assert.ok(qr, "a link QR");
    const linkId = code.linkId as string;
    await post(server, "/api/link/claim", { ref: qr.ref }, accessToken);
    await post(server, `/api/link/${linkId}/approve`, {}, accessToken);
    const ticket = (await next("LINK_APPROVED")).ticket as string;
    const signed = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, new TextEncoder().encode(linkSignedData(linkId, ticket)));
    await post(server, "/api/link/redeem", { linkId, ticket, signature: Buffer.from(signed).toString("base64url") });
  } finally {
    socket.close();
  }
}
