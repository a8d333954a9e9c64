import { InviteToken } from "@easyqr/protocol";
import { paths } from "../../paths.ts";
import { deepLink } from "../session/deepLink.ts";

/** A scanned or opened group invite: `<server>/join#t=<token>`. */
export type GroupInviteLink = { token: string; server: string };

/** Reads a group invite QR or link (`https://host/join#t=…`); null for anything else, never throws. */
export function parseGroupInvite(text: string): GroupInviteLink | null {
  if (text.length > 4096) return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (!["http:", "https:"].includes(url.protocol)) return null;
  const path = url.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/join")) return null;
  const token = InviteToken.safeParse(new URLSearchParams(url.hash.slice(1)).get("t"));
  return token.success ? { token: token.data, server: url.origin + path.slice(0, -"/join".length) } : null;
}

/** An opened `/join#t=…` link: its token is kept as the payload of a deep link to the join screen (through sign-in and onboarding). */
export function keepJoinToken(href: string): boolean {
  const invite = parseGroupInvite(href);
  return invite ? deepLink.keep(paths.joinGroup, invite.token) : false;
}

/** The token of the invite that brought the person here, if any. */
export function keptJoinToken(): string | undefined {
  return deepLink.payloadFor(paths.joinGroup);
}

export function forgetJoinToken(): void {
  deepLink.forget(paths.joinGroup);
}
