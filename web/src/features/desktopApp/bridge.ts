import type { BRIDGE_KEY, DesktopBridge } from "@easyqr/desktop-app/bridge";

export type { DesktopBridge, DesktopNotification } from "@easyqr/desktop-app/bridge";

const key: typeof BRIDGE_KEY = "easyqrDesktop";

/**
 * The desktop app's bridge (`window.easyqrDesktop`, put there by its preload) when this page runs
 * inside the app; undefined in a browser, or when the global is anything but the bridge.
 */
export function desktopBridge(scope: object = globalThis): DesktopBridge | undefined {
  const candidate: unknown = Object.getOwnPropertyDescriptor(scope, key)?.value;
  return isBridge(candidate) ? candidate : undefined;
}

function isBridge(value: unknown): value is DesktopBridge {
  return (
    typeof value === "object" &&
    value !== null &&
    "showNotification" in value &&
    typeof value.showNotification === "function" &&
    "setBadgeCount" in value &&
    typeof value.setBadgeCount === "function"
  );
}
