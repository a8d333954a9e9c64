import type { Db, AttachmentsTable } from "../db/schema.ts";

/**
 * The attachment `userId` may download: one in a chat they are a member of, carried by a message
 * that was not deleted, or not sent yet and uploaded by them. Undefined otherwise, whatever the reason.
 */
export async function readableAttachment(db: Db, userId: string, attachmentId: string): Promise<AttachmentsTable | undefined> {
  return db
    .selectFrom("attachments as a")
    .innerJoin("chats as c", (join) => join.onRef("c.id", "=", "a.chatId").on((eb) => eb.or([eb("c.userLow", "=", userId), eb("c.userHigh", "=", userId)])))
    .leftJoin("messages as m", "m.id", "a.messageId")
    .selectAll("a")
    .where("a.id", "=", attachmentId)
    .where((eb) => eb.or([eb.and([eb("a.messageId", "is", null), eb("a.uploaderId", "=", userId)]), eb.and([eb("a.messageId", "is not", null), eb("m.deletedAt", "is", null)])]))
    .executeTakeFirst();
}
