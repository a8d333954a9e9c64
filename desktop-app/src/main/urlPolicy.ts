// Where the window may go and what leaves it. Pure decisions, unit-tested;
// src/main/window.ts wires them to Electron's events.
import type { DesktopConfig } from "./config.ts";

type ServerScope = Pick<DesktopConfig, "origin" | "basePath">;

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * True when `target` is a page of the configured server: same origin
 * (scheme, host, port) and under its base path. Used for top-level
 * navigations, redirects, IPC senders and permission requests.
 */
export function isServerUrl(target: string, scope: ServerScope): boolean {
  const url = parseUrl(target);
  if (!url || url.username || url.password) return false;
  if (url.origin !== scope.origin) return false;
  if (scope.basePath === "") return true;
  return url.pathname === scope.basePath || url.pathname.startsWith(`${scope.basePath}/`);
}

/** `will-navigate` / `will-redirect`: only the configured server. */
export function isAllowedNavigation(target: string, scope: ServerScope): boolean {
  return isServerUrl(target, scope);
}

/**
 * The strict check before the window loads anything: exactly the configured
 * server's `/desktop` page (a query or fragment is allowed, nothing else).
 */
export function isDesktopUrl(target: string, scope: ServerScope): boolean {
  const url = parseUrl(target);
  if (!url || url.username || url.password) return false;
  return url.origin === scope.origin && url.pathname === `${scope.basePath}/desktop`;
}

/**
 * `window.open` and `target=_blank` links never open an Electron window.
 * http(s) links go to the system browser; everything else (file:, javascript:,
 * custom schemes that could launch local programs) is dropped.
 * Returns the URL to hand to `shell.openExternal`, or null.
 */
export function externalLinkTarget(target: string): string | null {
  const url = parseUrl(target);
  if (!url) return null;
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.username || url.password) return null;
  return url.href;
}
