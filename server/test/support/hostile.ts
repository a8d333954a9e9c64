import { randomUUID } from "node:crypto";
import type { ClientFrame } from "@easyqr/protocol";

/**
 * Hostile JSON values, as JSON text, each about 60 KB so that a frame or body carrying one stays
 * just under the 64 KB limit: what an attacker sends to make parsing or validation expensive.
 */
export const hostileValues: Record<string, string> = {
  "combining marks": JSON.stringify(`a${"\u0301".repeat(30_000)}`),
  "emoji run": JSON.stringify("👍".repeat(15_000)),
  "deep nesting": `${"[".repeat(30_000)}${"]".repeat(30_000)}`,
  "many keys": JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]))),
  "long array": JSON.stringify(Array.from({ length: 15_000 }, () => "")),
  "huge number": `1${"0".repeat(60_000)}`,
  "max double": "1e308",
};

const uuid = () => randomUUID();

/** A frame of each type that passes its schema (the ids name nothing); a new frame type must be added here. */
export const validFrames: Record<ClientFrame["type"], () => Record<string, unknown>> = {
  PING: () => ({ type: "PING", id: uuid() }),
  SCAN: () => ({ type: "SCAN", scan: { id: uuid(), text: "4006381333931", format: "EAN13", scannedAt: 1 } }),
  SET_MULTI_PHONE: () => ({ type: "SET_MULTI_PHONE", id: uuid(), allow: true }),
  CLOSE_SESSION: () => ({ type: "CLOSE_SESSION", id: uuid() }),
  SCANS_SINCE: () => ({ type: "SCANS_SINCE", id: uuid(), seq: 0 }),
  SEND: () => ({ type: "SEND", id: uuid(), chatId: uuid(), text: "hi", replyToId: uuid(), attachmentIds: [uuid()] }),
  EDIT: () => ({ type: "EDIT", id: uuid(), messageId: uuid(), text: "edited" }),
  DELETE: () => ({ type: "DELETE", id: uuid(), messageId: uuid() }),
  REACT: () => ({ type: "REACT", id: uuid(), messageId: uuid(), emoji: "👍" }),
  FORWARD: () => ({ type: "FORWARD", id: uuid(), messageId: uuid(), chatId: uuid() }),
  HIDE: () => ({ type: "HIDE", id: uuid(), messageId: uuid() }),
  DELIVERED: () => ({ type: "DELIVERED", id: uuid(), chatId: uuid(), seq: 1 }),
  SEEN: () => ({ type: "SEEN", id: uuid(), chatId: uuid(), seq: 1 }),
  TYPING: () => ({ type: "TYPING", chatId: uuid(), typing: true }),
  SYNC: () => ({ type: "SYNC", id: uuid(), chats: [{ chatId: uuid(), rev: 0 }] }),
  SCAN_TO_DEVICE: () => ({ type: "SCAN_TO_DEVICE", deviceId: uuid(), scan: { id: uuid(), text: "4006381333931", format: "EAN13", scannedAt: 1 } }),
  DEVICE_SCAN_RECEIVED: () => ({ type: "DEVICE_SCAN_RECEIVED", id: uuid(), scanId: uuid() }),
};

/** Every path to a leaf of a plain JSON value: ["scan", "text"], ["chats", 0, "rev"] … */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, [...prefix, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...prefix, key]));
  return [prefix];
}

const marker = "\u0000HOSTILE\u0000";

/** `frame` as JSON text with the value at `path` replaced by the raw JSON `hostile`. */
export function withHostile(frame: Record<string, unknown>, path: (string | number)[], hostile: string): string {
  const copy = structuredClone(frame);
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1) as string | number] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), hostile);
}

/** Every hostile variant of every frame type: one hostile value in one field. */
export function hostileFrames(): { label: string; text: string }[] {
  return Object.entries(validFrames).flatMap(([type, make]) => {
    const frame = make();
    return leafPaths(frame).flatMap((path) =>
      Object.entries(hostileValues).map(([name, value]) => ({ label: `${type} ${path.join(".")} = ${name}`, text: withHostile(frame, path, value) })),
    );
  });
}
