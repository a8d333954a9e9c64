import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorBody, ErrorEnvelope } from "@easyqr/protocol";
import { AppError, internalError, knownError, statusOf } from "../errors.ts";

/** Every HTTP error leaves as `{error: {code, message}}`; no stack trace reaches a client. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(sendError);
}

/** Answers any error in the one shape. Also Fastify's `frameworkErrors`: a bad URL encoding, a path parameter too long. */
export function sendError(thrown: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = knownError(thrown) ?? thrown;
  // Refused before its body was read (an upload too large, not signed in, not a member): close
  // the connection after the answer rather than read the rest of the body to keep it alive.
  if (!request.raw.complete) void reply.header("connection", "close");
  if (clientWentAway(request.raw)) {
    // The client closed the connection mid-request (an aborted upload): its doing, and nobody is
    // left to answer. One line without a stack, so a client cannot flood the log with them.
    const cause = error instanceof AppError && error.cause instanceof Error ? error.cause : error;
    request.log.info({ reason: cause.message }, "client went away mid-request");
    return reply.status(400).send();
  }
  if (error instanceof AppError) {
    request.log.info({ code: error.code }, `request refused: ${error.message}`);
    const retryAfterMs = error.data && "retryAfterMs" in error.data ? error.data.retryAfterMs : 0;
    if (retryAfterMs > 0) void reply.header("retry-after", Math.ceil(retryAfterMs / 1000));
    return reply.status(error.status).send({ error: error.toBody() } satisfies ErrorEnvelope);
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, "request failed");
    return reply.status(500).send({ error: internalError } satisfies ErrorEnvelope);
  }
  const body = fastifyRefusal(error, status);
  request.log.info({ code: body.code, err: error.message }, "request refused");
  return reply.status(statusOf(body.code)).send({ error: body } satisfies ErrorEnvelope);
}

/**
 * Fastify's own 4xx (unparseable JSON, a body over the limit, a content type no route takes, a
 * path parameter over 100 characters) as one of our codes; its status follows the code.
 */
function fastifyRefusal(error: FastifyError, status: number): ErrorBody {
  switch (status) {
    case 404:
      return { code: "NOT_FOUND", message: error.message };
    case 413:
      return { code: "BODY_TOO_LARGE", message: "The request body is over the limit (64 KB for JSON)." };
    case 414:
      // Fastify's message repeats the whole path: not worth sending back.
      return { code: "URI_TOO_LONG", message: "A path segment of this URL is over 100 characters." };
    case 415:
      return { code: "UNSUPPORTED_MEDIA_TYPE", message: `${error.message}; send application/json.` };
    case 429:
      return { code: "RATE_LIMITED", message: error.message };
    default:
      return { code: "BAD_REQUEST", message: error.message };
  }
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before Fastify sees them.
 * A request line and headers over Node's 16 KB (a 100 KB URL, a 100 KB cookie) is HEADERS_TOO_LARGE;
 * anything else unparseable is BAD_REQUEST. The connection is closed after the answer.
 */
export function clientErrorAnswer(log: FastifyBaseLogger): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection, or one the client ended mid-request (an aborted upload, which the
    // request's own error path logs once), has nobody to answer.
    if (error.code === "ECONNRESET" || error.code === "HPE_INVALID_EOF_STATE" || socket.destroyed) {
      socket.destroy();
      return;
    }
    const body: ErrorBody =
      error.code === "HPE_HEADER_OVERFLOW"
        ? { code: "HEADERS_TOO_LARGE", message: "The request's URL and headers are over 16 KB." }
        : { code: "BAD_REQUEST", message: "The request could not be parsed as HTTP." };
    log.info({ code: body.code, err: error.message, parserCode: error.code, ip: socket.remoteAddress }, "request refused by the HTTP parser");
    const json = JSON.stringify({ error: body } satisfies ErrorEnvelope);
    const status = statusOf(body.code);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(json)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${json}`,
      );
    }
    socket.destroy();
  };
}

export function notFound(path: string): AppError {
  return new AppError("NOT_FOUND", `Nothing at ${path}.`);
}

/** The request's body stopped short because its connection closed (Node marks it errored, "aborted"). */
function clientWentAway(raw: IncomingMessage): boolean {
  return !raw.complete && raw.errored !== null;
}
