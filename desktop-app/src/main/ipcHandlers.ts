// Main-process side of the IPC map: every handler checks who is calling,
// parses the request, runs, and parses its own response before it leaves.
// Pure (no `electron` import): registerIpc.ts passes in ipcMain.handle.
import { IpcError, ipcChannels, parseIpcRequest, parseIpcResponse, type IpcChannel, type IpcRequest, type IpcResponse } from "../ipc.ts";

/** The part of Electron's IpcMainInvokeEvent these handlers read. */
export type IpcInvokeEvent = {
  senderFrame: { url: string; parent: unknown } | null;
};

export type IpcHandler<C extends IpcChannel> = (request: IpcRequest<C>) => IpcResponse<C> | Promise<IpcResponse<C>>;

/** One handler per channel: adding a channel to the map without a handler fails to compile. */
export type IpcHandlers = { [C in IpcChannel]: IpcHandler<C> };

export type IpcListener = (event: IpcInvokeEvent, raw: unknown) => Promise<unknown>;

/**
 * Wraps a handler: only the top frame of a page of the configured server may
 * call (no iframes, no other origin that got into the window), the request is
 * parsed with the channel's schema, and so is the response.
 */
export function createIpcListener<C extends IpcChannel>(channel: C, handler: IpcHandler<C>, isTrustedUrl: (url: string) => boolean): IpcListener {
  return async (event, raw) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isTrustedUrl(frame.url)) {
      throw new IpcError("IPC_FORBIDDEN_SENDER", `${channel} refused for ${frame ? frame.url : "a destroyed frame"}`);
    }
    const request = parseIpcRequest(channel, raw);
    return parseIpcResponse(channel, await handler(request));
  };
}

/** Registers every channel of the map through `handle` (ipcMain.handle in the app). */
export function registerIpcHandlers(
  handle: (channel: IpcChannel, listener: IpcListener) => void,
  handlers: IpcHandlers,
  isTrustedUrl: (url: string) => boolean,
): void {
  for (const channel of ipcChannels) {
    handle(channel, listenerFor(channel, handlers, isTrustedUrl));
  }
}

function listenerFor<C extends IpcChannel>(channel: C, handlers: IpcHandlers, isTrustedUrl: (url: string) => boolean): IpcListener {
  const handler: IpcHandler<C> = handlers[channel];
  return createIpcListener(channel, handler, isTrustedUrl);
}
