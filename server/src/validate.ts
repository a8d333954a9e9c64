import * as z from "zod/mini";
import type { PlainErrorCode } from "@easyqr/protocol";
import { AppError } from "./errors.ts";

/** Parses untrusted input; a mismatch becomes an AppError naming the first problem. */
/** Any zod schema: the protocol's (zod/mini) and the server's own share zod's core. */
export function parseOr<S extends z.core.$ZodType>(schema: S, input: unknown, code: PlainErrorCode = "VALIDATION"): z.infer<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  throw new AppError(code, `${where}${issue?.message ?? "invalid input"}`);
}
