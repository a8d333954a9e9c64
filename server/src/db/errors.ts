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
