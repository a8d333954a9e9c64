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
