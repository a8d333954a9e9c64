import type { z } from "zod";
import type { PlainErrorCode } from "@easyqr/protocol";
import { AppError } from "./errors.ts";

/** Parses untrusted input; a mismatch becomes an AppError naming the first problem. */
export function parseOr<S extends z.ZodType>(schema: S, input: unknown, code: PlainErrorCode = "VALIDATION"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new AppError(code, `${where}${issue?.message ?? "invalid input"}`);
}
