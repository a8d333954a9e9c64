import { routePath, routes, type Attachment } from "@easyqr/protocol";
import type { AttachmentRow } from "../chat/rows.ts";

/** Where the routes of the table serve an attachment's bytes (its `url` and `thumbUrl`). */
export const attachmentUrl = (id: string) => routePath(routes.attachments.file, { attachmentId: id });
export const thumbUrl = (id: string) => routePath(routes.attachments.thumb, { attachmentId: id });

type Shown = "id" | "kind" | "name" | "mime" | "size" | "width" | "height" | "thumb_key";
/** The columns a view needs, named as the chat's raw statements return them (other columns may come along; the attachment service maps its Kysely row). */
export type AttachmentViewRow = Pick<AttachmentRow, Shown> & Partial<Omit<AttachmentRow, Shown>>;

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
    thumbUrl: row.thumb_key ? thumbUrl(row.id) : null,
  };
}
