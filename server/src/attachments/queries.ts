import type { Db, AttachmentsTable } from "../db/schema.ts";

/**
 * The attachment if its state lets `userId` download it: carried by a message that was not
 * deleted, or not sent yet and uploaded by them. Undefined otherwise, whatever the reason. Whether
 * they are in its chat at all is the access rule's to say (access/chats.ts).
 */
export async function downloadableAttachment(db: Db, userId: string, attachmentId: string): Promise<AttachmentsTable | undefined> {
  const row = await db
    .selectFrom("attachments as a")
    .leftJoin("messages as m", "m.id", "a.messageId")
    .selectAll("a")
    .select("m.deletedAt as messageDeletedAt")
    .where("a.id", "=", attachmentId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { messageDeletedAt, ...attachment } = row;
  const shown = attachment.messageId === null ? attachment.uploaderId === userId : messageDeletedAt === null;
  return shown ? attachment : undefined;
}
