import type { DeviceInfo } from "@easyqr/protocol";

/** The operating system a user agent names ("Android", "Windows", … "Unknown"). */
export function platformOf(userAgent: string): string {
  return /Android/i.test(userAgent)
    ? "Android"
    : /iPhone|iPad|iPod/i.test(userAgent)
      ? "iOS"
      : /Windows/i.test(userAgent)
        ? "Windows"
        : /Mac OS X|Macintosh/i.test(userAgent)
          ? "macOS"
          : /CrOS/i.test(userAgent)
            ? "ChromeOS"
            : /Linux/i.test(userAgent)
              ? "Linux"
              : "Unknown";
}

/** The browser a user agent names ("Chrome", "Firefox", … "Browser"); the EasyQR desktop app by its own name. */
export function browserOf(userAgent: string): string {
  return /Electron\//.test(userAgent)
    ? "EasyQR Desktop"
    : /Edg\//.test(userAgent)
      ? "Edge"
      : /SamsungBrowser\//.test(userAgent)
        ? "Samsung Internet"
        : /Firefox\/|FxiOS\//.test(userAgent)
          ? "Firefox"
          : /Chrome\/|Chromium\/|CriOS\//.test(userAgent)
            ? "Chrome"
            : /Safari\//.test(userAgent)
              ? "Safari"
              : "Browser";
}

/** A readable name for this device, shown on the other one ("Chrome on Pixel 8", "Firefox on Windows"). */
export function deviceInfo(userAgent: string): DeviceInfo {
  const platform = platformOf(userAgent);
  const browser = browserOf(userAgent);
  const model = /Android [\d.]+; ([^;)]+?)(?: Build\/[^;)]*)?\)/.exec(userAgent)?.[1]?.trim();
  const who = model && model !== "K" ? model : platform === "iOS" && /iPad/.test(userAgent) ? "iPad" : platform === "iOS" ? "iPhone" : undefined;
  const name = who ? `${browser} on ${who}` : `${browser} on ${platform}`;
  return { name: name.slice(0, 64), platform };
}

/** Whether this browser runs on a phone or tablet (a mobile user agent, or a touch screen without a fine pointer). */
export function isPhoneLike(userAgent: string, coarsePointerOnly: boolean): boolean {
  return /Android|iPhone|iPad|iPod|Mobile/i.test(userAgent) || coarsePointerOnly;
}

/** This browser, for wording that fits the device ("your phone" is never said on the phone itself). */
export function onPhone(): boolean {
  const coarse = typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches && !matchMedia("(any-pointer: fine)").matches;
  return isPhoneLike(navigator.userAgent, coarse);
}
