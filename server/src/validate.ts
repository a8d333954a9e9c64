import * as z from "zod/mini";
import type { PlainErrorCode } from "@easyqr/protocol";
import { AppError } from "./errors.ts";

// zod/mini (the protocol's schemas) carries no messages of its own: without a locale every issue
// reads "Invalid input". The server answers in English, whatever schema failed.
z.config(z.locales.en());

/**
 * Parses untrusted input; a mismatch becomes an AppError naming the first problem. Any zod schema:
 * the protocol's (zod/mini) and the server's own (classic) share zod's core.
 */
export function parseOr<S extends z.core.$ZodType>(schema: S, input: unknown, code: PlainErrorCode = "VALIDATION"): z.infer<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new AppError(code, `${where}${issue?.message ?? "invalid input"}`);
}
