import type { Attachment } from "@easyqr/protocol";
import type { Db, AttachmentsTable } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { attachmentView } from "./view.ts";

/**
 * The attachment `userId` may download: one in a chat they are a member of, carried by a message
 * that was not deleted, or not sent yet and uploaded by them. Undefined otherwise, whatever the reason.
 */
export async function readableAttachment(db: Db, userId: string, attachmentId: string): Promise<AttachmentsTable | undefined> {
  return db
    .selectFrom("attachments as a")
    .innerJoin("chatMembers as cm", (join) => join.onRef("cm.chatId", "=", "a.chatId").on("cm.userId", "=", userId))
    .leftJoin("messages as m", "m.id", "a.messageId")
    .selectAll("a")
    .where("a.id", "=", attachmentId)
    .where((eb) => eb.or([eb.and([eb("a.messageId", "is", null), eb("a.uploaderId", "=", userId)]), eb.and([eb("a.messageId", "is not", null), eb("m.deletedAt", "is", null)])]))
    .executeTakeFirst();
}

/** The attachments of these messages, each message's in order: what `Message.attachments` holds. */
export async function attachmentsOfMessages(db: Db, messageIds: readonly string[]): Promise<Map<string, Attachment[]>> {
  const byMessage = new Map<string, Attachment[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db.selectFrom("attachments").selectAll().where("messageId", "in", messageIds).orderBy("messageId").orderBy("position").execute();
  for (const row of rows) {
    if (row.messageId === null) continue;
    const list = byMessage.get(row.messageId) ?? [];
    list.push(attachmentView(row));
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

/**
 * For SEND, inside its transaction: gives the message its attachments, in the order named. Each
 * must be unsent, uploaded by the sender, to this chat; otherwise (another's, sent already,
 * swept, unknown) nothing is linked and the answer is ATTACHMENT_NOT_FOUND.
 */
export async function linkAttachments(db: Db, link: { chatId: string; senderId: string; messageId: string; attachmentIds: readonly string[] }): Promise<void> {
  const ids = [...new Set(link.attachmentIds)];
  if (ids.length !== link.attachmentIds.length) throw new AppError("ATTACHMENT_NOT_FOUND", "The same attachment was named twice.");
  for (const [position, id] of ids.entries()) {
    const updated = await db
      .updateTable("attachments")
      .set({ messageId: link.messageId, position })
      .where("id", "=", id)
      .where("chatId", "=", link.chatId)
      .where("uploaderId", "=", link.senderId)
      .where("messageId", "is", null)
      .executeTakeFirst();
    // Throwing rolls the caller's transaction back, so no attachment stays half-linked.
    if (updated.numUpdatedRows !== 1n) throw new AppError("ATTACHMENT_NOT_FOUND", "An attachment of this message is not available any more: upload it again.");
  }
}
