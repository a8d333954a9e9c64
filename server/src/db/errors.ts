/**
 * Which unique constraint a failed insert or update broke, on either engine, as
 * `<table>.<column>` (e.g. `users.username_key`); undefined for any other error.
 * SQLite says `UNIQUE constraint failed: users.username_key`; PostgreSQL reports
 * code 23505 and the constraint name, which migrations spell `<table>_<column>_unique`.
 */
export function uniqueViolation(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; message?: unknown; constraint?: unknown; table?: unknown };
  if (e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    const match = typeof e.message === "string" ? /constraint failed: ([\w.]+)/.exec(e.message) : null;
    return match?.[1] ?? "unknown";
  }
  if (e.code === "23505") {
    const constraint = typeof e.constraint === "string" ? e.constraint : "";
    const table = typeof e.table === "string" ? e.table : "";
    const column = table && constraint.startsWith(`${table}_`) ? constraint.slice(table.length + 1).replace(/_(unique|pkey)$/, "") : constraint;
    return table ? `${table}.${column === "pkey" ? "id" : column}` : constraint;
  }
  return undefined;
}

/** Node's socket errors for a server that refuses, resets or cannot be reached. */
const unreachable = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
/** SQLSTATE: class 08 (connection exception); 57P01–57P03 (shut down by the admin, a crash, or not yet accepting connections); 53300 (too many connections). */
const unavailableStates = /^(08...|57P0[123]|53300)$/;
/** What `pg` throws, with no code, when its connection ends under a query or a connect attempt gives up. */
const unavailableMessages = /^(Connection terminated|timeout expired|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether an error says the database cannot be reached right now (PostgreSQL away, restarting or
 * cut off): the work was not done and the same request may succeed later. Anything else (a broken
 * constraint, a bug) is not this.
 */
export function databaseUnreachable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e.code === "string" && (unreachable.has(e.code) || unavailableStates.test(e.code))) return true;
  return typeof e.message === "string" && unavailableMessages.test(e.message);
}
