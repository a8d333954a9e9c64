import { routePath, routes, type Attachment } from "@easyqr/protocol";
import type { AttachmentsTable } from "../db/schema.ts";

/** Where the routes of the table serve an attachment's bytes (its `url` and `thumbUrl`). */
export const attachmentUrl = (id: string) => routePath(routes.attachments.file, { attachmentId: id });
export const thumbUrl = (id: string) => routePath(routes.attachments.thumb, { attachmentId: id });

/** The columns a view needs (other columns may come along). */
export type AttachmentViewRow = Pick<AttachmentsTable, "id" | "kind" | "name" | "mime" | "size" | "width" | "height" | "thumbKey">;

/** An attachment as every member sees it (messages carry these): the one rendering of an attachment. */
export function attachmentView(row: AttachmentViewRow): Attachment {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    mime: row.mime,
    size: row.size,
    width: row.width,
    height: row.height,
    url: attachmentUrl(row.id),
    thumbUrl: row.thumbKey ? thumbUrl(row.id) : null,
  };
}
