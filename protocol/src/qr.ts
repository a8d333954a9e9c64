import * as z from "zod/mini";
import { ContactToken } from "./contacts.ts";
import { SessionId } from "./pairing.ts";
import { bounded } from "./text.ts";

/** Longest QR text worth reading (a QR holds at most ~4,300 characters). */
const MAX_QR_TEXT = 4096;

/** The seed's QR payload: everything a phone needs to connect. */
export const PairingPayload = z.object({
  sessionId: SessionId,
  token: z.string().check(z.minLength(1), z.maxLength(2048)),
  server: z.pipe(bounded(2048), z.url()),
});
export type PairingPayload = z.infer<typeof PairingPayload>;

export function pairingUrl(server: string, sessionId: string, token: string): string {
  if (server !== lastServer) [lastServer, lastBase] = [server, httpBase(server)];
  return `${lastBase}/pair#sid=${encodeURIComponent(sessionId)}&t=${encodeURIComponent(token)}`;
}
// The server makes a QR for one base over and over (every WAITING); parsing it as a URL each time was most of the cost.
let lastServer: string | undefined;
let lastBase = "";

/**
 * Reads a scanned pairing QR in either form: the URL the desktop shows
 * (`https://host/pair#sid=…&t=…`) or the seed's JSON. Returns null for
 * anything else, never throws.
 */
export function parsePairingQr(text: string): PairingPayload | null {
  if (text.length > MAX_QR_TEXT) return null;
  const trimmed = text.trim();
  const candidate = trimmed.startsWith("{") ? fromJson(trimmed) : fromUrl(trimmed);
  if (!candidate) return null;
  const parsed = PairingPayload.safeParse(candidate);
  if (!parsed.success) return null;
  return { ...parsed.data, server: httpBase(parsed.data.server) };
}

function fromJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fromUrl(text: string): unknown {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!["http:", "https:"].includes(url.protocol)) return null;
  if (!url.pathname.replace(/\/+$/, "").endsWith("/pair")) return null;
  const params = new URLSearchParams(url.hash.slice(1));
  const base = url.pathname.replace(/\/+$/, "").slice(0, -"/pair".length);
  return { sessionId: params.get("sid"), token: params.get("t"), server: url.origin + base };
}

/** A scanned "My QR": whose server and which token. */
export const ContactQrPayload = z.object({ token: ContactToken, server: z.pipe(bounded(2048), z.url()) });
export type ContactQrPayload = z.infer<typeof ContactQrPayload>;

/** The text of a user's "My QR": `<server>/add#t=<token>` (a phone's camera app opens it too). */
export function contactUrl(server: string, token: string): string {
  return `${httpBase(server)}/add#${new URLSearchParams({ t: token }).toString()}`;
}

/** Reads a scanned "My QR" (`https://host/add#t=…`). Returns null for anything else, never throws. */
export function parseContactQr(text: string): ContactQrPayload | null {
  const link = parseAppUrl(text, "add");
  if (!link) return null;
  const parsed = ContactQrPayload.safeParse({ token: new URLSearchParams(link.fragment).get("t"), server: link.server });
  return parsed.success ? parsed.data : null;
}

/**
 * A scanned text read as a page of an EasyQR server, `http(s)://host[/base]/<page>#<fragment>`:
 * the server (`http(s)://host[/base]`) and the fragment without its `#`. Null for anything else
 * (too long, not a URL, another page); never throws.
 */
export function parseAppUrl(text: string, page: string): { server: string; fragment: string } | null {
  if (text.length > MAX_QR_TEXT) return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (!["http:", "https:"].includes(url.protocol)) return null;
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith(`/${page}`)) return null;
  return { server: url.origin + path.slice(0, -(page.length + 1)), fragment: url.hash.slice(1) };
}

/** `ws://h:1/` and `http://h:1` both become `http://h:1`. */
export function httpBase(server: string): string {
  const url = new URL(server);
  if (url.protocol === "ws:") url.protocol = "http:";
  if (url.protocol === "wss:") url.protocol = "https:";
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** The WebSocket endpoint of a server, from its HTTP base. */
export function socketUrl(server: string): string {
  const url = new URL(`${httpBase(server)}/ws`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}
