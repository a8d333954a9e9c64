import { jsonShapeProblem } from "@easyqr/protocol";
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.ts";

/**
 * JSON bodies (at most `bodyLimit` bytes) are checked for nesting, item count and string length
 * before they are decoded and parsed, then parsed by Fastify's own parser (which refuses `__proto__` and `constructor` keys).
 */
export function registerJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    const problem = jsonShapeProblem(bytes);
    if (problem) return done(new AppError("VALIDATION", `The body is ${problem}.`), undefined);
    void parseJson(request, bytes.toString(), done);
  });
}
