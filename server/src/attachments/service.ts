import { randomBytes, randomUUID } from "node:crypto";
import type { Attachment } from "@easyqr/protocol";
import type { DeleteQueryBuilder, DeleteResult } from "kysely";
import type { Logger } from "pino";
import { chatReaderOf, chatWriterOf } from "../access/chats.ts";
import type { Clock } from "../clock.ts";
import type { AttachmentsTable, Db, Schema } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { RateLimiter } from "../rateLimiter.ts";
import { sniffChatImage } from "../storage/sniff.ts";
import type { ByteRange, Storage, StoredStream } from "../storage/index.ts";
import { processImage } from "./image.ts";
import type { AttachmentLimits } from "./limits.ts";
import { safeFileName, withExtension } from "./names.ts";
import { downloadableAttachment } from "./queries.ts";
import type { Spool, Spooled } from "./spool.ts";
import { attachmentView } from "./view.ts";

/** What an upload route hands over once the membership check passed: the file as it arrived, and the name the client gave. */
export type Received = { spooled: Spooled; name: string | undefined };

/** A file being downloaded: `range` when only part of it is sent. */
export type Download = { attachment: AttachmentsTable; file: StoredStream; range: ByteRange | undefined };

export type AttachmentKeys = Pick<AttachmentsTable, "storageKey" | "thumbKey">;

const BATCH = 500;

export function attachmentNotFound(): AppError {
  return new AppError("ATTACHMENT_NOT_FOUND", "No such attachment.");
}

/**
 * Chat attachments: the only code that writes the `attachments` table and its files, but for one
 * column pair: a SEND claims the attachments it carries (`message_id`, `position`) in its own batch
 * transaction, so a message and what it carries commit together (chat/store). A message deleted
 * for everyone has its attachments removed here, after its commit. Files get random storage
 * keys; images are re-encoded.
 */
export class AttachmentService {
  constructor(
    private readonly db: Db,
    private readonly storage: Storage,
    private readonly spool: Spool,
    private readonly rateLimiter: RateLimiter,
    private readonly clock: Clock,
    private readonly limits: AttachmentLimits,
    private readonly log: Logger,
  ) {}

  /**
   * Checks that `userId` may upload to the chat (member, still connected, within the rate limit) and only then
   * calls `receive` to read the upload; stores it as an image or a file, unsent.
   */
  async create(userId: string, chatId: string, receive: () => Promise<Received>): Promise<Attachment> {
    await chatWriterOf(this.db, userId, chatId);
    await this.rateLimiter.take(
      [{ key: `attachments:user:${userId}`, limit: this.limits.uploadsPerUser, windowMs: this.limits.uploadsWindowMs }],
      "Too many uploads. Wait a while before sending more files.",
    );
    const { spooled, name } = await receive();
    try {
      if (spooled.size === 0) throw new AppError("UPLOAD_INVALID", "This file is empty.");
      const stored = await this.store(spooled, safeFileName(name));
      const row: AttachmentsTable = { ...stored, id: randomUUID(), chatId, uploaderId: userId, messageId: null, position: 0, createdAt: this.clock.now() };
      try {
        await this.db.insertInto("attachments").values(row).execute();
      } catch (error) {
        await this.removeFiles([row]);
        await chatWriterOf(this.db, userId, chatId);
        throw error;
      }
      return attachmentView(row);
    } finally {
      await this.spool.remove(spooled);
    }
  }

  /**
   * The bytes of an attachment (`thumb`: of its thumbnail) for `userId`, or the range `rangeOf`
   * picks once the size is known; ATTACHMENT_NOT_FOUND for anyone who may not have them.
   */
  async open(userId: string, attachmentId: string, variant: "main" | "thumb", rangeOf?: (size: number) => ByteRange | undefined): Promise<Download> {
    const attachment = await downloadableAttachment(this.db, userId, attachmentId);
    const key = variant === "main" ? attachment?.storageKey : attachment?.thumbKey;
    if (!attachment || !key) throw attachmentNotFound();
    await chatReaderOf(this.db, userId, attachment.chatId, attachmentNotFound);
    const range = variant === "main" ? rangeOf?.(attachment.size) : undefined;
    const file = await this.storage.open(key, range);
    if (!file) {
      this.log.warn({ attachmentId, key }, "attachment file is missing");
      throw attachmentNotFound();
    }
    return { attachment, file, range };
  }

  /**
   * Forwarding: copies of the attachment rows of message `messageId` for `chatId`, unsent and
   * uploaded by `userId`, naming the same stored files (nothing is uploaded again); their ids, in
   * the original's order. The caller checked that `userId` may read the original and write to
   * `chatId`. Files are shared, so a file is deleted only once no row names it (`removeFiles`).
   * No lock: the copies commit first, then the originals are looked for again. A deletion that
   * removed them meanwhile either saw the copies (and kept the files) or deleted the files before
   * the copies were made; then the copies are removed here, and the forward is refused.
   */
  async copyOfMessage(userId: string, messageId: string, chatId: string): Promise<string[]> {
    const originals = await this.db.selectFrom("attachments").selectAll().where("messageId", "=", messageId).orderBy("position").execute();
    if (originals.length === 0) return [];
    const now = this.clock.now();
    const copies = originals.map((row) => ({ ...row, id: randomUUID(), chatId, uploaderId: userId, messageId: null, position: 0, createdAt: now }));
    await this.db.insertInto("attachments").values(copies).execute();
    const still = await this.db
      .selectFrom("attachments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where(
        "id",
        "in",
        originals.map((r) => r.id),
      )
      .where("messageId", "=", messageId)
      .executeTakeFirstOrThrow();
    if (Number(still.n) === originals.length) return copies.map((c) => c.id);
    await this.removeWhere((db) =>
      db.deleteFrom("attachments").where(
        "id",
        "in",
        copies.map((c) => c.id),
      ),
    );
    throw new AppError("MESSAGE_DELETED", "This message was deleted.");
  }

  /**
   * After a message was deleted for everyone (its tombstone shows no attachments): its rows, then
   * their files. A crash in between leaves rows the sweep removes.
   */
  async removeOfMessage(messageId: string): Promise<void> {
    await this.removeWhere((db) => db.deleteFrom("attachments").where("messageId", "=", messageId));
  }

  /** Before a chat's row is deleted (the rows would go by cascade, but the files would stay): every attachment of the chat. */
  async removeOfChat(chatId: string): Promise<void> {
    await this.removeWhere((db) => db.deleteFrom("attachments").where("chatId", "=", chatId));
  }

  /** Before an account is deleted: its chats go with it (cascade), so every attachment of every chat it is in. */
  async removeOfUser(userId: string): Promise<void> {
    await this.removeWhere((db) =>
      db.deleteFrom("attachments").where(
        "chatId",
        "in",
        db
          .selectFrom("chats")
          .select("id")
          .where((eb) => eb.or([eb("userLow", "=", userId), eb("userHigh", "=", userId)])),
      ),
    );
  }

  /**
   * Removes attachments no message took within `unsentTtlMs` of their upload, and those of
   * messages deleted for everyone that a crash left behind; returns how many.
   */
  async sweep(): Promise<number> {
    const cutoff = this.clock.now() - this.limits.unsentTtlMs;
    let removed = 0;
    for (;;) {
      const ids = await this.db.selectFrom("attachments").select("id").where("messageId", "is", null).where("createdAt", "<", cutoff).limit(BATCH).execute();
      if (ids.length === 0) break;
      // `messageId is null` again: a SEND that linked one since the select keeps it.
      removed += await this.removeWhere((db) =>
        db
          .deleteFrom("attachments")
          .where(
            "id",
            "in",
            ids.map((r) => r.id),
          )
          .where("messageId", "is", null),
      );
      if (ids.length < BATCH) break;
    }
    for (;;) {
      const ids = await this.db
        .selectFrom("attachments as a")
        .innerJoin("messages as m", "m.id", "a.messageId")
        .select("a.id")
        .where("m.deletedAt", "is not", null)
        .limit(BATCH)
        .execute();
      if (ids.length === 0) break;
      removed += await this.removeWhere((db) =>
        db.deleteFrom("attachments").where(
          "id",
          "in",
          ids.map((r) => r.id),
        ),
      );
      if (ids.length < BATCH) break;
    }
    if (removed > 0) this.log.info({ removed }, "unsent attachments swept");
    return removed;
  }

  private async store(
    spooled: Spooled,
    name: string,
  ): Promise<Omit<AttachmentsTable, "id" | "chatId" | "uploaderId" | "messageId" | "position" | "createdAt">> {
    const key = randomBytes(16).toString("base64url");
    const type = sniffChatImage(spooled.head);
    if (!type) {
      const storageKey = `attachments/${key}.bin`;
      await this.storage.putFile(storageKey, spooled.path, spooled.size, "application/octet-stream");
      return { kind: "file", name, mime: "application/octet-stream", size: spooled.size, width: null, height: null, storageKey, thumbKey: null };
    }
    const image = await processImage(spooled.path, type);
    const keys = { storageKey: `attachments/${key}.webp`, thumbKey: `attachments/${key}-thumb.webp` };
    try {
      await this.storage.put(keys.storageKey, image.main, "image/webp");
      await this.storage.put(keys.thumbKey, image.thumb, "image/webp");
    } catch (error) {
      await this.removeFiles([keys]);
      throw error;
    }
    return { kind: "image", name: withExtension(name, "webp"), mime: "image/webp", size: image.main.length, width: image.width, height: image.height, ...keys };
  }

  /** Deletes the rows a query picks, then their files; returns how many rows. */
  private async removeWhere(query: (db: Db) => DeleteQueryBuilder<Schema, "attachments", DeleteResult>): Promise<number> {
    const rows = await query(this.db).returning(["storageKey", "thumbKey"]).execute();
    await this.removeFiles(rows);
    return rows.length;
  }

  /**
   * Deletes stored files whose rows are gone, but those another row still names (a forwarded copy
   * shares its original's files; a copy always names both the file and its thumbnail). Runs after
   * the rows' deletion committed, so a copy committed before it is seen here. A failure is logged,
   * not thrown: the rows are gone already.
   */
  private async removeFiles(rows: readonly AttachmentKeys[]): Promise<void> {
    const named =
      rows.length === 0
        ? []
        : await this.db
            .selectFrom("attachments")
            .select("storageKey")
            .where(
              "storageKey",
              "in",
              rows.map((r) => r.storageKey),
            )
            .execute();
    const shared = new Set(named.map((r) => r.storageKey));
    const keys = rows.filter((r) => !shared.has(r.storageKey)).flatMap((r) => (r.thumbKey ? [r.storageKey, r.thumbKey] : [r.storageKey]));
    const results = await Promise.allSettled(keys.map((key) => this.storage.delete(key)));
    for (const [i, result] of results.entries()) {
      if (result.status === "rejected") this.log.error({ err: result.reason, key: keys[i] }, "could not delete an attachment file");
    }
  }
}
