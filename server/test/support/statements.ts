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
    for (const node of on.nodes) {
      const raw = node.database.raw;
      if (raw.engine !== "sqlite") continue;
      const prepare = raw.file.prepare.bind(raw.file);
      raw.file.prepare = ((source: string) => {
        const statement = prepare(source);
        const recorded: Statement = { sql: source, values: [] };
        seen.push(recorded);
        // Kysely prepares each statement it runs, and runs it once, its values in one array.
        for (const method of ["all", "get", "iterate", "run"] as const) {
          const run = statement[method].bind(statement) as (...values: unknown[]) => unknown;
          Object.assign(statement, {
            [method]: (...values: unknown[]) => {
              recorded.values = values.flat();
              return run(...values);
            },
          });
        }
        return statement;
      }) as typeof raw.file.prepare;
      undo.push(() => (raw.file.prepare = prepare));
    }
  }
  return {
    stop() {
      for (const restore of undo) restore();
      return seen;
    },
  };
}
