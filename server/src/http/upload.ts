import multipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../errors.ts";

/**
 * An upload is one part, the file `file`: a field, a second file or any other part is refused
 * (the parser reports it as a limit). Busboy ignores `fieldNameSize` in multipart: a part's name
 * is bounded by `headerSize`, the bytes of its headers the parser keeps (it drops the rest).
 */
const limits = { parts: 1, files: 1, fields: 0, fieldSize: 1024, headerPairs: 50, headerSize: 8 * 1024 };

/**
 * A scope of `app` with the multipart parser (the limits above), for the upload routes only: the
 * parser's onRequest and onResponse hooks ran on every request of every route (a history page's
 * too), and a multipart body elsewhere is now UNSUPPORTED_MEDIA_TYPE. What `app` had before (its
 * hooks, error handler, JSON parser) holds in the scope too. In an object: an instance is a
 * thenable, which an async function's return would resolve (to the root instance).
 */
export async function multipartScope(app: FastifyInstance): Promise<{ scope: FastifyInstance }> {
  let scope: FastifyInstance | undefined;
  await app.register(async (child) => {
    await child.register(multipart, { limits });
    scope = child;
  });
  if (!scope) throw new Error("the multipart scope was not made");
  return { scope };
}

export type SoleFile<T> = {
  /** Largest file in bytes: the parser cuts the file off one byte past it. */
  maxBytes: number;
  /** Reads the file (into memory, or to the spool); refuses it past `maxBytes` with `tooLarge`. */
  take(file: MultipartFile): Promise<T>;
  /** Drops what `take` kept, when the request turns out to be invalid after all. */
  discard(kept: T): Promise<void>;
  tooLarge(): AppError;
};

const invalid = (cause?: unknown) =>
  new AppError("UPLOAD_INVALID", "Send one file as multipart/form-data in the field `file`, and nothing else.", undefined, { cause });

/**
 * The one file of a multipart upload. Parts come in order, so whether anything follows the file
 * is only known once it was read: then a second file, a field or any other part is UPLOAD_INVALID
 * and what was read is discarded, before any costly work (decoding, storing) starts. A body the
 * parser cannot read is UPLOAD_INVALID too; a failure of `take` itself (the disk) is not.
 */
export async function readSoleFile<T>(request: FastifyRequest, sole: SoleFile<T>): Promise<T> {
  // The parser waits for the body's events: a connection that closed before it started (while
  // the route checked access) would leave it waiting for ever.
  if (request.raw.destroyed) throw invalid(request.raw.errored);
  const parts = request.parts({ limits: { fileSize: sole.maxBytes + 1 } });
  const first = await parsed(() => parts.next());
  const part = first.done ? undefined : first.value;
  if (!part || part.type !== "file" || part.fieldname !== "file") throw invalid();

  // Errors the file's stream carries are the parser's (a malformed body, a client gone mid-file).
  let streamError: unknown;
  part.file.once("error", (error) => (streamError = error));
  let kept: T;
  try {
    kept = await sole.take(part);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (isTooLarge(error)) throw sole.tooLarge();
    if (error === streamError || isParserError(error)) throw invalid(error);
    throw error;
  }
  try {
    const next = await parsed(() => parts.next());
    if (!next.done) throw invalid();
  } catch (error) {
    await sole.discard(kept);
    throw error;
  }
  return kept;
}

/** A step of the parser: anything it throws means the body is not one acceptable file. */
async function parsed<R>(step: () => Promise<R>): Promise<R> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalid(error);
  }
}

const codeOf = (error: unknown) => (error as { code?: unknown }).code;
const isTooLarge = (error: unknown) => codeOf(error) === "FST_REQ_FILE_TOO_LARGE";
const isParserError = (error: unknown) => {
  const code = codeOf(error);
  return typeof code === "string" && code.startsWith("FST_");
};
