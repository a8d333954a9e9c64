import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.ts";
import type { Metrics } from "../ops/metrics.ts";

/**
 * GET /metrics: Prometheus's text format, for `Authorization: Bearer <METRICS_TOKEN>` (Prometheus's
 * `authorization` scrape setting). Outside the route table: it is for the operator's scraper, not
 * the clients, and answers text. Without METRICS_TOKEN it is off, so a node on the internet does
 * not show its internals to anyone who asks.
 */
export function registerMetrics(http: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  const expected = token === undefined ? undefined : digest(token);
  http.get("/metrics", async (request, reply) => {
    if (!expected) throw new AppError("NOT_FOUND", "Metrics are off on this node: set METRICS_TOKEN (docs/operations.md).");
    const header = request.headers.authorization;
    if (!header) throw new AppError("AUTH_REQUIRED", "Send Authorization: Bearer <METRICS_TOKEN>.");
    // Size before cost; then compare digests, in constant time, so the answer's timing tells nothing about the token.
    const bearer = header.length <= 300 && header.startsWith("Bearer ") ? header.slice(7) : undefined;
    if (bearer === undefined || !timingSafeEqual(digest(bearer), expected)) throw new AppError("AUTH_TOKEN_INVALID", "That is not this node's METRICS_TOKEN.");
    const { contentType, body } = await metrics.text();
    return reply.header("content-type", contentType).header("cache-control", "no-store").send(body);
  });
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
