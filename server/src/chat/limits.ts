/** Caps and timings of chat; tests and the benchmark change some, production keeps these. */
export type ChatLimits = {
  /** Message frames (SEND, EDIT, DELETE, REACT) one socket may send per second, sustained… */
  messagesPerSecond: number;
  /** …and in a burst. */
  messageBurst: number;
  /** Most SEND frames written in one transaction (one group commit). */
  batchSize: number;
  /** Most SEND frames waiting for a batch; past it a socket that sends one is not read until half are taken (see SendQueue). */
  sendBacklog: number;
  /** Most batches in flight at once on PostgreSQL (app.ts makes it 3 there); SQLite has one writer and always 1. */
  batchConcurrency: number;
  /** A socket forwards a renewed `typing: true` for a chat at most this often. */
  typingEveryMs: number;
  /** Most changed messages one SYNC answer carries over all chats; chats past it answer `resync`. */
  syncMaxTotal: number;
};

export const defaultChatLimits: ChatLimits = {
  messagesPerSecond: 30,
  messageBurst: 60,
  batchSize: 256,
  sendBacklog: 2_048,
  batchConcurrency: 1,
  typingEveryMs: 2_000,
  syncMaxTotal: 5_000,
};
