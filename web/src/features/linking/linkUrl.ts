/** The part of a desktop's link QR after `#`: `<ref>.<fp>` (ref: 128 bits, fp: SHA-256 of its key, both base64url). */
export type LinkFragment = { ref: string; fp: string };

const FRAGMENT = /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/;

/** Reads `#<ref>.<fp>` (with or without the `#`); anything else is null. Length-checked before the regex. */
export function parseLinkFragment(hash: string): LinkFragment | null {
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  if (text.length > 120) return null;
  const match = FRAGMENT.exec(text);
  return match?.[1] && match[2] ? { ref: match[1], fp: match[2] } : null;
}

/** A scanned text that is a link QR of this page's server (`<server>/link#<ref>.<fp>`), else null. */
export function parseLinkUrl(text: string, server: string): LinkFragment | null {
  if (text.length > 512) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.origin !== new URL(server).origin || url.pathname !== "/link") return null;
  return parseLinkFragment(url.hash);
}

/** The in-app address of the approval page for a scanned link. */
export const linkPagePath = (link: LinkFragment) => `/link#${link.ref}.${link.fp}`;
