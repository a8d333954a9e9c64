import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Attachment, AttachmentIdParams, ChatIdParams } from "@easyqr/protocol";
import type { AttachmentLimits } from "../attachments/limits.ts";
import { contentDisposition } from "../attachments/names.ts";
import type { AttachmentService, Received } from "../attachments/service.ts";
import { tooLarge, type Spool } from "../attachments/spool.ts";
import type { ByteRange } from "../storage/index.ts";
import { parseOr } from "../validate.ts";
import { authenticate, type Authenticator } from "./auth.ts";
import type { AnyRouteSpec, Router } from "./route.ts";
import { readSoleFile } from "./upload.ts";

const authErrors = ["AUTH_REQUIRED", "AUTH_TOKEN_INVALID", "AUTH_TOKEN_EXPIRED", "AUTH_SESSION_REVOKED"] as const;
/** Room for the multipart boundaries and part headers around the file in a Content-Length. */
const MULTIPART_OVERHEAD = 16 * 1024;
/** Attachment bytes never change under one id; access is checked on every fetch that reaches us. */
const CACHE = "private, max-age=86400";

/**
 * `POST /api/chats/:chatId/attachments` (multipart, field `file`) and the two downloads. Downloads
 * take the Bearer token like every API call (never a token in the URL), so they are registered on
 * Fastify directly, streaming the file.
 */
export function registerAttachmentRoutes(app: FastifyInstance, router: Router, authenticator: Authenticator, attachments: AttachmentService, spool: Spool, limits: AttachmentLimits): void {
  router.add(
    {
      method: "POST",
      url: "/api/chats/:chatId/attachments",
      tag: "chats",
      summary:
        "Upload an attachment before sending it: multipart field `file`, at most 25 MB (a larger Content-Length is refused before the body is read). JPEG, PNG, WebP and GIF (by content) become a WebP image ≤ 2048 px with a 320 px thumbnail; anything else is stored as is and always downloaded as a file. Members of the chat who are still connected only (like SEND); unsent attachments are removed after 24 hours",
      auth: true,
      params: ChatIdParams,
      multipartFile: "file",
      response: Attachment,
      errors: [...authErrors, "CHAT_NOT_FOUND", "CHAT_NOT_CONNECTED", "UPLOAD_TOO_LARGE", "UPLOAD_INVALID", "RATE_LIMITED"],
    },
    async ({ principal, params, request }) => {
      const declared = Number(request.headers["content-length"]);
      if (declared > limits.maxBytes + MULTIPART_OVERHEAD) throw tooLarge(limits.maxBytes);
      return attachments.create(principal.userId, params.chatId, () => receive(request, spool, limits.maxBytes));
    },
  );

  const download = (variant: "main" | "thumb") => async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await authenticate(request, authenticator);
    const { attachmentId } = parseOr(AttachmentIdParams, request.params);
    const { attachment, file, range } = await attachments.open(principal.userId, attachmentId, variant, (size) => parseRange(request.headers.range, size));
    const image = attachment.kind === "image";
    void reply
      .header("content-type", image ? "image/webp" : "application/octet-stream")
      .header("content-disposition", contentDisposition(image ? "inline" : "attachment", attachment.name))
      .header("content-length", file.size)
      .header("cache-control", CACHE)
      .header("vary", "authorization")
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "default-src 'none'; sandbox; frame-ancestors 'none'")
      .header("cross-origin-resource-policy", "same-origin");
    if (variant === "main") void reply.header("accept-ranges", "bytes");
    if (range) void reply.status(206).header("content-range", `bytes ${range.start}-${range.end}/${attachment.size}`);
    return reply.send(file.body);
  };
  const downloadSpec = { method: "GET", tag: "chats", auth: true, params: AttachmentIdParams, errors: [...authErrors, "ATTACHMENT_NOT_FOUND"] } satisfies Partial<AnyRouteSpec>;
  router.describe({
    ...downloadSpec,
    url: "/api/attachments/:attachmentId",
    summary:
      "An attachment's bytes (its `url`): images as image/webp, files as application/octet-stream with Content-Disposition: attachment. Members of its chat only (an unsent one: its uploader only); single byte ranges are served",
    fileResponse: "application/octet-stream",
  });
  router.describe({ ...downloadSpec, url: "/api/attachments/:attachmentId/thumb", summary: "An image attachment's 320 px WebP thumbnail (its `thumbUrl`)", fileResponse: "image/webp" });
  app.get("/api/attachments/:attachmentId", download("main"));
  app.get("/api/attachments/:attachmentId/thumb", download("thumb"));
}

/** The one file of a multipart upload, written to the spool as it arrives; more than `maxBytes` is cut off. */
async function receive(request: FastifyRequest, spool: Spool, maxBytes: number): Promise<Received> {
  return readSoleFile(request, {
    maxBytes,
    take: async (file) => ({ spooled: await spool.write(file.file, maxBytes), name: file.filename }),
    discard: (received) => spool.remove(received.spooled),
    tooLarge: () => tooLarge(maxBytes),
  });
}

/** One satisfiable `bytes=` range of a file of `size` bytes; anything else is answered with the whole file (RFC 9110 allows ignoring Range). */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!match || size === 0) return undefined;
  const [, from = "", to = ""] = match;
  if (from === "") {
    const suffix = Number(to);
    return to === "" || suffix === 0 ? undefined : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  return start <= end && start < size ? { start, end } : undefined;
}
