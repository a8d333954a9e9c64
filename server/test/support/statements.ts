import pg from "pg";
import type { TestServer } from "./harness.ts";

/** An SQL statement a node sent, with the values bound to it. */
export type Statement = { sql: string; values: unknown[] };

/** Every SQL statement any node sends while it records (PostgreSQL: each client's query; SQLite: each statement run). */
export function recordStatements(on: TestServer): { stop(): Statement[] } {
  const seen: Statement[] = [];
  const undo: (() => void)[] = [];
  if (on.app.database.raw.engine === "postgres") {
    const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = prototype.query;
    prototype.query = function (this: unknown, ...args: unknown[]) {
      const [text, values] = args;
      const sql = typeof text === "string" ? text : String((text as { text?: unknown }).text);
      seen.push({ sql, values: Array.isArray(values) ? values : [] });
      return Reflect.apply(query, this, args);
    };
    undo.push(() => (prototype.query = query));
  } else {
    // Every run of any prepared statement (statements are prepared once and kept, database.ts).
    const sqliteFile = on.nodes.map((node) => node.database.raw).find((raw) => raw.engine === "sqlite")?.file;
    if (sqliteFile) {
      const prototype = Object.getPrototypeOf(sqliteFile.prepare("select 1")) as Record<string, (...values: unknown[]) => unknown>;
      for (const method of ["all", "get", "iterate", "run"] as const) {
        const run = prototype[method]!;
        prototype[method] = function (this: { source: string }, ...values: unknown[]) {
          seen.push({ sql: this.source, values: values.flat() });
          return Reflect.apply(run, this, values);
        };
        undo.push(() => (prototype[method] = run));
      }
    }
  }
  return {
    stop() {
      for (const restore of undo) restore();
      return seen;
    },
  };
}
