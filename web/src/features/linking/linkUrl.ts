import { httpBase, parseLinkQr } from "@easyqr/protocol";

/** The part of a desktop's link QR after `#`: the rotating ref and the fingerprint of the desktop's key. */
export type LinkFragment = { ref: string; fingerprint: string };

/** A scanned text that is a link QR of this page's server (`<server>/link#<ref>.<fp>`), else null. */
export function parseLinkUrl(text: string, server: string): LinkFragment | null {
  const payload = parseLinkQr(text);
  if (!payload || httpBase(payload.server) !== httpBase(server)) return null;
  return { ref: payload.ref, fingerprint: payload.fingerprint };
}

/** The in-app address of the approval page for a scanned link. */
export const linkPagePath = (link: LinkFragment) => `/link#${link.ref}.${link.fingerprint}`;
