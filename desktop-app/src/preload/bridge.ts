// The whole API the web page gets in the desktop app, as `window.easyqrDesktop`.
// Pure (no `electron` import): preload.ts passes in ipcRenderer.invoke.
// The page is remote content, so every argument is parsed before it is sent
// and every answer is parsed before the page sees it.
import { parseIpcRequest, parseIpcResponse, type IpcChannel, type IpcRequest, type IpcResponse } from "../ipc.ts";

/** The global name the bridge is exposed under. The web client feature-detects it. */
export const BRIDGE_KEY = "easyqrDesktop";

export type Invoke = (channel: IpcChannel, payload: unknown) => Promise<unknown>;

export type DesktopBridge = Readonly<{
  /** App version and OS platform, to name this device when it is linked. */
  appInfo: () => Promise<IpcResponse<"app:info">>;
  /** Puts text (≤ 64 KB of UTF-8) on the system clipboard. */
  writeClipboard: (text: string) => Promise<void>;
}>;

export function createBridge(invoke: Invoke): DesktopBridge {
  async function call<C extends IpcChannel>(channel: C, request: unknown): Promise<IpcResponse<C>> {
    const payload: IpcRequest<C> = parseIpcRequest(channel, request);
    return parseIpcResponse(channel, await invoke(channel, payload));
  }
  return Object.freeze({
    appInfo: () => call("app:info", undefined),
    writeClipboard: async (text: string) => {
      await call("clipboard:write", { text });
    },
  });
}
