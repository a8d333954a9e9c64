// The whole API the web page gets in the desktop app, as `window.easyqrDesktop`.
// Pure (no `electron` import): preload.ts passes in ipcRenderer.invoke.
// The page is remote content, so every argument is parsed before it is sent
// and every answer is parsed before the page sees it.
import {
  MAX_NOTIFICATION_BODY,
  MAX_NOTIFICATION_TITLE,
  parseIpcRequest,
  parseIpcResponse,
  type IpcChannel,
  type IpcRequest,
  type IpcResponse,
} from "../ipc.ts";

/** The global name the bridge is exposed under. The web client feature-detects it. */
export const BRIDGE_KEY = "easyqrDesktop";

export type Invoke = (channel: IpcChannel, payload: unknown) => Promise<unknown>;

/** A system notification: `tag` names what it is about; a newer one with the same tag replaces it. */
export type DesktopNotification = { tag: string; title: string; body: string };

export type DesktopBridge = Readonly<{
  /**
   * Shows a system notification unless the app's window has the focus; clicking it brings the
   * window forward. Title and body longer than the IPC map allows are cut (with "…").
   * Resolves to whether it was shown.
   */
  showNotification: (notification: DesktopNotification) => Promise<boolean>;
  /** The number on the app's icon (macOS dock, Linux launchers); 0 clears it. */
  setBadgeCount: (count: number) => Promise<void>;
}>;

export function createBridge(invoke: Invoke): DesktopBridge {
  async function call<C extends IpcChannel>(channel: C, request: unknown): Promise<IpcResponse<C>> {
    const payload: IpcRequest<C> = parseIpcRequest(channel, request);
    return parseIpcResponse(channel, await invoke(channel, payload));
  }
  return Object.freeze({
    showNotification: async (notification: DesktopNotification) => {
      const { shown } = await call("notification:show", clipped(notification));
      return shown;
    },
    setBadgeCount: async (count: number) => {
      await call("badge:set", { count });
    },
  });
}

/** The page's notification with its texts cut to fit; anything else is left for the schema to refuse. */
function clipped(notification: unknown): unknown {
  if (typeof notification !== "object" || notification === null) return notification;
  const title = "title" in notification ? notification.title : undefined;
  const body = "body" in notification ? notification.body : undefined;
  return {
    ...notification,
    ...(typeof title === "string" ? { title: clipText(title, MAX_NOTIFICATION_TITLE) } : {}),
    ...(typeof body === "string" ? { body: clipText(body, MAX_NOTIFICATION_BODY) } : {}),
  };
}

/** `text` in at most `max` UTF-16 units, cut with "…" and never inside a surrogate pair. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
