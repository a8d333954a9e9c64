import type { Opened } from "./browsers.ts";

type SocketWindow = { __sockets: WebSocket[]; __offline: boolean };

/**
 * Keeps the page's sockets reachable from the test and lets it refuse new ones: Chromium's
 * `setOffline` closes no open WebSocket, so a network drop needs both. Call before the page loads.
 */
export async function controlSockets({ page }: Opened): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const w = window as unknown as SocketWindow;
    w.__sockets = [];
    w.__offline = false;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        // Offline: our own server's address (the page's CSP allows no other) at a path it refuses.
        super(w.__offline ? String(url).replace(/\/ws$/, "/no-socket-here") : url, protocols);
        w.__sockets.push(this);
      }
    };
  });
}

/** The network goes away: requests fail, open sockets close, new ones are refused. */
export async function dropNetwork({ page, context }: Opened): Promise<void> {
  await context.setOffline(true);
  await page.evaluate(() => {
    const w = window as unknown as SocketWindow;
    w.__offline = true;
    for (const socket of w.__sockets) socket.close();
  });
}

/** The network is back, and the page is told so. */
export async function restoreNetwork({ page, context }: Opened): Promise<void> {
  await context.setOffline(false);
  await page.evaluate(() => {
    (window as unknown as SocketWindow).__offline = false;
    window.dispatchEvent(new Event("online"));
  });
}
