// Which web permissions the server's pages get. Pure, unit-tested; wired to
// session.setPermissionRequestHandler / setPermissionCheckHandler in window.ts.
import type { DesktopConfig } from "./config.ts";
import { isServerUrl } from "./urlPolicy.ts";

/**
 * Writing to the clipboard (the "Copy" buttons of the scan history) is the
 * only permission the desktop screen needs. No camera or microphone: the
 * phone scans, the desktop only shows. Everything else is refused.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(["clipboard-sanitized-write"]);

export function isPermissionAllowed(permission: string, requestingUrl: string, scope: Pick<DesktopConfig, "origin" | "basePath">): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isServerUrl(requestingUrl, scope);
}
