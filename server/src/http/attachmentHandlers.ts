import type { FastifyRequest } from "fastify";
import type { Routes } from "@easyqr/protocol";
import type { AttachmentLimits } from "../attachments/limits.ts";
import { contentDisposition } from "../attachments/names.ts";
import type { AttachmentService, Received } from "../attachments/service.ts";
import { tooLarge, type Spool } from "../attachments/spool.ts";
import type { ByteRange } from "../storage/index.ts";
import type { Handlers, RouteContext } from "./route.ts";
import { readSoleFile } from "./upload.ts";

/** Room for the multipart boundaries and part headers around the file in a Content-Length. */
const MULTIPART_OVERHEAD = 16 * 1024;
/** Attachment bytes never change under one id; access is checked on every fetch that reaches us. */
const CACHE = "private, max-age=86400";

/** The upload (multipart, field `file`) and the two downloads, which stream the file. */
export function attachmentHandlers(attachments: AttachmentService, spool: Spool, limits: AttachmentLimits): Handlers<Routes["attachments"]> {
  const download = async (variant: "main" | "thumb", { principal, params, request, reply }: RouteContext<Routes["attachments"]["file" | "thumb"]>) => {
    const { attachment, file, range } = await attachments.open(principal.userId, params.attachmentId, variant, (size) =>
      parseRange(request.headers.range, size),
    );
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
  return {
    upload: async ({ principal, params, request }) => {
      const declared = Number(request.headers["content-length"]);
      if (declared > limits.maxBytes + MULTIPART_OVERHEAD) throw tooLarge(limits.maxBytes);
      return attachments.create(principal.userId, params.chatId, () => receive(request, spool, limits.maxBytes));
    },
    file: (context) => download("main", context),
    thumb: (context) => download("thumb", context),
  };
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
