import type { IncomingMessage } from "node:http";
import type { FastifyError, FastifyInstance } from "fastify";
import type { ErrorCode, ErrorEnvelope } from "@easyqr/protocol";
import { AppError, internalError } from "../errors.ts";

/** Every HTTP error leaves as `{error: {code, message}}`; no stack trace reaches a client. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
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
      if (typeof error.data?.retryAfterMs === "number" && error.data.retryAfterMs > 0) {
        void reply.header("retry-after", Math.ceil(error.data.retryAfterMs / 1000));
      }
      return reply.status(error.status).send({ error: error.toBody() } satisfies ErrorEnvelope);
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, "request failed");
      return reply.status(500).send({ error: internalError } satisfies ErrorEnvelope);
    }
    // Fastify's own 4xx: unparseable JSON, body too large, wrong content type.
    const code: ErrorCode = status === 413 ? "FRAME_TOO_LARGE" : status === 429 ? "RATE_LIMITED" : "BAD_REQUEST";
    request.log.info({ code, err: error.message }, "request refused");
    return reply.status(status).send({ error: { code, message: error.message } } satisfies ErrorEnvelope);
  });
}

export function notFound(path: string): AppError {
  return new AppError("NOT_FOUND", `Nothing at ${path}.`);
}

/** The request's body stopped short because its connection closed (Node marks it errored, "aborted"). */
function clientWentAway(raw: IncomingMessage): boolean {
  return !raw.complete && raw.errored !== null;
}
