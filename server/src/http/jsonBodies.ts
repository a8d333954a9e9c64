import { jsonShapeProblem } from "@easyqr/protocol";
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.ts";

/**
 * JSON bodies (at most `bodyLimit` bytes) are checked for nesting and member count before they are
 * parsed, then parsed by Fastify's own parser (which refuses `__proto__` and `constructor` keys).
 */
export function registerJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body.toString();
    const problem = jsonShapeProblem(text);
    if (problem) return done(new AppError("VALIDATION", `The body is ${problem}.`), undefined);
    void parseJson(request, text, done);
  });
}
