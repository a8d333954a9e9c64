import { Attachment, AttachmentIdParams, ChatIdParams } from "../chat.ts";
import { authErrors } from "./common.ts";
import type { RouteGroup } from "./route.ts";

/** Downloads take the Bearer token like every API call (never a token in the URL). */
export const attachmentsRoutes = {
  upload: {
    method: "POST",
    path: "/api/chats/:chatId/attachments",
    tag: "chats",
    summary:
      "Upload an attachment before sending it: multipart field `file`, at most 25 MB (a larger Content-Length is refused before the body is read). JPEG, PNG, WebP and GIF (by content) become a WebP image ≤ 2048 px with a 320 px thumbnail; anything else is stored as is and always downloaded as a file. Members of the chat who are still connected only (like SEND); unsent attachments are removed after 24 hours",
    auth: true,
    params: ChatIdParams,
    upload: "file",
    response: Attachment,
    errors: [...authErrors, "CHAT_NOT_FOUND", "CHAT_NOT_CONNECTED", "UPLOAD_TOO_LARGE", "UPLOAD_INVALID", "RATE_LIMITED"],
  },
  file: {
    method: "GET",
    path: "/api/attachments/:attachmentId",
    tag: "chats",
    summary:
      "An attachment's bytes (its `url`): images as image/webp, files as application/octet-stream with Content-Disposition: attachment. Members of its chat only (an unsent one: its uploader only); single byte ranges are served",
    auth: true,
    params: AttachmentIdParams,
    file: "application/octet-stream",
    errors: [...authErrors, "ATTACHMENT_NOT_FOUND"],
  },
  thumb: {
    method: "GET",
    path: "/api/attachments/:attachmentId/thumb",
    tag: "chats",
    summary: "An image attachment's 320 px WebP thumbnail (its `thumbUrl`)",
    auth: true,
    params: AttachmentIdParams,
    file: "image/webp",
    errors: [...authErrors, "ATTACHMENT_NOT_FOUND"],
  },
} as const satisfies RouteGroup;
