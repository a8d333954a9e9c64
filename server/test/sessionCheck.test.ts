// The periodic session check: the safety net that closes a node's sockets whose session ended
// without the node being told. Its reads must follow revocations, not the sockets held (at 38,000
// sockets re-reading every socket's session cost PostgreSQL 1.45 million rows/s: docs/scaling.md).
// Each test runs the check's passes itself, on every node (SQLite, PostgreSQL, or 3 cluster nodes).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CompiledQuery } from "kysely";
import { REVOCATION_OVERLAP_MS } from "../src/realtime/sessionCheck.ts";
import { signIn } from "./support/api.ts";
import { TestSocket } from "./support/client.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { recordStatements, type Statement } from "./support/statements.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let server: TestServer;
// The timer stays out of the way (a pass an hour), and a full pass comes only when a test asks.
before(async () => (server = await startServer({ authLimits: { sendsPerIp: 10_000, sessionCheckMs: HOUR, sessionFullCheckMs: 1000 * HOUR } })));
after(() => server.close());

const db = () => server.app.database.db;
const postgres = () => server.app.database.raw.engine === "postgres";

/** One pass of the check on every node; `full` forces a full one (else the due kind: not full here). */
const pass = (full?: boolean) => Promise.all(server.nodes.map((node) => node.gateway.checkSessions(full)));

/** `count` sessions of one person, each with a signed-in socket. */
async function sockets(count: number): Promise<{ sessionId: string; socket: TestSocket }[]> {
  const { user } = await signIn(server);
  return Promise.all(
    Array.from({ length: count }, async () => {
      const { accessToken, sessionId } = await server.app.sessions.create(user.id, undefined);
      const socket = await TestSocket.hello(server.url, { accessToken });
      await socket.next("AUTHENTICATED");
      return { sessionId, socket };
    }),
  );
}

/** Revoked straight in the database, stamped `at`, as another node would: no node here is told. */
async function revokeUntold(sessionIds: string[], at: number): Promise<void> {
  await db().updateTable("authSessions").set({ revokedAt: at, revokedReason: "logout" }).where("id", "in", sessionIds).execute();
}

/** Rows of `auth_sessions` a statement reads, as the engine runs it (PostgreSQL: EXPLAIN ANALYZE), or its plan (SQLite). */
async function rowsRead(statement: Statement): Promise<number | string> {
  if (!postgres()) {
    const plan = await db().executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${statement.sql}`, statement.values));
    return plan.rows.map((r) => r.detail).join("; ");
  }
  const explained = await db().executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    CompiledQuery.raw(`explain (analyze, format json) ${statement.sql}`, statement.values),
  );
  return readOf(explained.rows[0]!["QUERY PLAN"][0].Plan);
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
const readOf = (node: PlanNode): number => {
  const own =
    node["Relation Name"] === "auth_sessions"
      ? ((node["Actual Rows"] as number) + ((node["Rows Removed by Filter"] as number | undefined) ?? 0)) * (node["Actual Loops"] as number)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + readOf(child), 0);
};

describe("the periodic session check", () => {
  test("a pass reads the sessions revoked lately, not the session of each socket held", async () => {
    const held = await sockets(40);
    // A table of some size, as in production: sessions live, and revoked long ago.
    const { user } = await signIn(server);
    const now = server.clock.now();
    for (let i = 0; i < 20_000; i += 500) {
      const rows = Array.from({ length: 500 }, (_, k) => ({
        id: `other-${i + k}`,
        userId: user.id,
        createdAt: now - 2 * DAY,
        expiresAt: now + DAY,
        lastUsedAt: now - DAY,
        revokedAt: (i + k) % 2 ? now - DAY : null,
        revokedReason: (i + k) % 2 ? "logout" : null,
      }));
      await db().insertInto("authSessions").values(rows).execute();
    }
    if (postgres()) await db().executeQuery(CompiledQuery.raw("analyze auth_sessions"));
    const [first, second] = held;
    await revokeUntold([first!.sessionId, second!.sessionId], now);

    const recording = recordStatements(server);
    await pass();
    const statements = recording.stop();

    assert.equal(await first!.socket.failure(2000), "AUTH_SESSION_REVOKED");
    assert.equal(await second!.socket.failure(2000), "AUTH_SESSION_REVOKED");
    const heldIds = new Set(held.map((h) => h.sessionId));
    for (const statement of statements) {
      assert.ok(!statement.values.some((value) => heldIds.has(value as string)), `no statement names a socket's session: ${statement.sql}`);
    }
    const reads = await Promise.all(statements.filter((s) => s.sql.includes("auth_sessions")).map(rowsRead));
    assert.ok(reads.length >= server.nodes.length, "each node asked");
    if (postgres()) {
      // Index-only: the 2 revoked in the window, on each node; re-reading every socket's session reads at least 40.
      const total = (reads as number[]).reduce((sum, n) => sum + n, 0);
      assert.ok(total <= 2 * server.nodes.length, `rows of auth_sessions read by one pass on each node: ${total}\n${statements.map((s) => s.sql).join("\n")}`);
    } else {
      for (const plan of reads) assert.match(plan as string, /^SEARCH auth_sessions USING COVERING INDEX auth_sessions_revoked \(revoked_at>\?\)$/);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(held.filter((h) => h.socket.closed).length, 2, "the other 38 sockets stay open");
    for (const h of held) h.socket.close();
  });

  test("a revocation stamped before the last pass but committed after it closes its sockets at the next", async () => {
    const [held] = await sockets(1);
    await pass();
    server.clock.advance(10_000);
    // The revoking node's clock was behind, or its statement waited for a connection: stamped before the pass, seen after it.
    await revokeUntold([held!.sessionId], server.clock.now() - 10_000 - (REVOCATION_OVERLAP_MS - 5_000));
    await pass();
    assert.equal(await held!.socket.failure(2000), "AUTH_SESSION_REVOKED");
  });

  test("a session deleted with its account, or revoked long before the window, is closed by the next full pass", async () => {
    const [deleted, revokedLongAgo] = await sockets(2);
    await pass();
    server.clock.advance(10_000);
    await db().deleteFrom("authSessions").where("id", "=", deleted!.sessionId).execute();
    await revokeUntold([revokedLongAgo!.sessionId], server.clock.now() - HOUR);
    // The regular pass asks only about the window: these two are for the rare full one.
    await pass();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(deleted!.socket.closed, undefined);
    assert.equal(revokedLongAgo!.socket.closed, undefined);
    await pass(true);
    assert.equal(await deleted!.socket.failure(2000), "AUTH_SESSION_REVOKED");
    assert.equal(await revokedLongAgo!.socket.failure(2000), "AUTH_SESSION_REVOKED");
  });

  test("a full pass asks about any number of sessions (in batches within the engines' parameter limits)", async () => {
    const [live, revoked] = await sockets(2);
    await revokeUntold([revoked!.sessionId], server.clock.now());
    const gone = Array.from({ length: 12_000 }, (_, i) => `gone-${i}`);
    const dead = await server.app.sessions.deadAmong([...gone.slice(0, 6_000), live!.sessionId, revoked!.sessionId, ...gone.slice(6_000)]);
    assert.deepEqual(dead, [...gone.slice(0, 6_000), revoked!.sessionId, ...gone.slice(6_000)]);
    for (const h of [live, revoked]) h!.socket.close();
  });

  test("a session that ends closes its sockets at the next pass, by the end the handshake read", async () => {
    const [held] = await sockets(1);
    const recording = recordStatements(server);
    server.clock.advance(30 * DAY);
    await pass();
    const statements = recording.stop();
    assert.equal(await held!.socket.failure(2000), "AUTH_SESSION_REVOKED");
    assert.ok(
      statements.every((s) => !s.values.includes(held!.sessionId)),
      "its session was not read",
    );
  });
});
