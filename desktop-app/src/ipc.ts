// The one IPC contract between the renderer (through the preload bridge) and
// the main process: channel name → zod schema for the request and the
// response. Both sides parse with these schemas; nothing else crosses IPC.
// Runs in main and preload: imports zod only, never `electron` or `node:*`.
import * as z from "zod";

/** Longest notification title and body, in UTF-16 units: about what a system notification shows. */
export const MAX_NOTIFICATION_TITLE = 128;
export const MAX_NOTIFICATION_BODY = 256;

export const ipcMap = {
  // A system notification while no window of the app has the focus. A newer one with the same
  // tag (the web client uses the chat's id) replaces the one on screen. `shown` is false when
  // it was not shown: the window had the focus, or the system has no notifications.
  "notification:show": {
    request: z.strictObject({
      tag: z.string().min(1).max(64),
      title: z.string().min(1).max(MAX_NOTIFICATION_TITLE),
      body: z.string().max(MAX_NOTIFICATION_BODY),
    }),
    response: z.strictObject({ shown: z.boolean() }),
  },
  // The number on the app's icon (macOS dock, Linux launchers); 0 clears it.
  "badge:set": {
    request: z.strictObject({ count: z.number().int().nonnegative() }),
    response: z.strictObject({ ok: z.literal(true) }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type IpcMap = typeof ipcMap;
export type IpcChannel = keyof IpcMap;
export type IpcRequest<C extends IpcChannel> = z.output<IpcMap[C]["request"]>;
export type IpcResponse<C extends IpcChannel> = z.output<IpcMap[C]["response"]>;

export const ipcChannels = Object.freeze(Object.keys(ipcMap)) as readonly IpcChannel[];

export function isIpcChannel(value: unknown): value is IpcChannel {
  return typeof value === "string" && Object.hasOwn(ipcMap, value);
}

export type IpcErrorCode = "IPC_UNKNOWN_CHANNEL" | "IPC_INVALID_REQUEST" | "IPC_INVALID_RESPONSE" | "IPC_FORBIDDEN_SENDER";

/**
 * The only error IPC code throws. Electron passes just the message across the
 * process and context boundaries, so the message starts with the code.
 */
export class IpcError extends Error {
  override readonly name = "IpcError";
  constructor(
    readonly code: IpcErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

export function parseIpcRequest<C extends IpcChannel>(channel: C, raw: unknown): IpcRequest<C> {
  return parseWith(channel, "request", raw);
}

export function parseIpcResponse<C extends IpcChannel>(channel: C, raw: unknown): IpcResponse<C> {
  return parseWith(channel, "response", raw);
}

function parseWith<C extends IpcChannel, K extends "request" | "response">(channel: C, kind: K, raw: unknown): z.output<IpcMap[C][K]> {
  if (!isIpcChannel(channel)) throw new IpcError("IPC_UNKNOWN_CHANNEL", String(channel));
  const schema: z.ZodType = ipcMap[channel][kind];
  const result = schema.safeParse(raw);
  // Sound: `schema` is IpcMap[C][K]; TypeScript cannot follow a generic index into the map.
  if (result.success) return result.data as z.output<IpcMap[C][K]>;
  // Name the failing fields, never echo the payload (the page's text, maybe a message).
  const fields = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new IpcError(kind === "request" ? "IPC_INVALID_REQUEST" : "IPC_INVALID_RESPONSE", `${channel}: ${fields.join("; ")}`);
}
