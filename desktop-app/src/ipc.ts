// The one IPC contract between the renderer (through the preload bridge) and
// the main process: channel name → zod schema for the request and the
// response. Both sides parse with these schemas; nothing else crosses IPC.
// Runs in main and preload: imports zod only, never `electron` or `node:*`.
import * as z from "zod";

/** Longest text the renderer may put on the clipboard, in UTF-8 bytes. */
export const MAX_CLIPBOARD_BYTES = 64 * 1024;

const utf8 = new TextEncoder();

/** A UTF-16 string has at least one UTF-8 byte per code unit: cheap early reject. */
function fitsClipboard(text: string): boolean {
  return text.length <= MAX_CLIPBOARD_BYTES && utf8.encode(text).byteLength <= MAX_CLIPBOARD_BYTES;
}

/** `process.platform` values, so the renderer can name the device ("EasyQR on Linux"). */
export const Platform = z.enum([
  "aix",
  "android",
  "cygwin",
  "darwin",
  "freebsd",
  "haiku",
  "linux",
  "netbsd",
  "openbsd",
  "sunos",
  "win32",
]);
export type Platform = z.infer<typeof Platform>;

export const ipcMap = {
  "app:info": {
    request: z.undefined(),
    response: z.strictObject({
      version: z.string().min(1).max(64),
      platform: Platform,
    }),
  },
  "clipboard:write": {
    request: z.strictObject({
      text: z.string().refine(fitsClipboard, `text must be at most ${MAX_CLIPBOARD_BYTES} bytes`),
    }),
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

function parseWith<C extends IpcChannel, K extends "request" | "response">(
  channel: C,
  kind: K,
  raw: unknown,
): z.output<IpcMap[C][K]> {
  if (!isIpcChannel(channel)) throw new IpcError("IPC_UNKNOWN_CHANNEL", String(channel));
  const schema: z.ZodType = ipcMap[channel][kind];
  const result = schema.safeParse(raw);
  // Sound: `schema` is IpcMap[C][K]; TypeScript cannot follow a generic index into the map.
  if (result.success) return result.data as z.output<IpcMap[C][K]>;
  // Name the failing fields, never echo the payload (it may be 64 KB of clipboard text).
  const fields = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new IpcError(kind === "request" ? "IPC_INVALID_REQUEST" : "IPC_INVALID_RESPONSE", `${channel}: ${fields.join("; ")}`);
}
