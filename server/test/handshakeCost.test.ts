// What a signed-in socket's handshake costs the database: with several nodes on one PostgreSQL,
// connects are the expensive moment (a reconnect storm after a node dies), so each statement a
// handshake sends is counted here, on SQLite and on PostgreSQL with one node or several.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SignedIn } from "./support/api.ts";
import { TestSocket } from "./support/client.ts";
import { connect, eventually, makeUsers } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { recordStatements } from "./support/statements.ts";

const GRACE = 5_000;
let server: TestServer;
// The periodic session check would add its own reads while a handshake is counted.
before(async () => (server = await startServer({ authLimits: { sessionCheckMs: 3_600_000 }, presenceLimits: { graceMs: GRACE } })));
after(() => server.close());

const socketsOf = (on: TestServer) => on.nodes.reduce((count, app) => count + app.presence.sockets, 0);

async function signedIn(user: SignedIn): Promise<TestSocket> {
  const before = socketsOf(server);
  const socket = await TestSocket.hello(server.url, { accessToken: user.tokens.accessToken });
  await socket.next("AUTHENTICATED");
  await eventually(() => socketsOf(server) > before, "presence to hold the socket");
  return socket;
}

async function closed(socket: TestSocket): Promise<void> {
  const before = socketsOf(server);
  socket.close();
  await eventually(() => socketsOf(server) === before - 1, "the server to drop the socket");
}

const lastUsedAt = async (user: SignedIn) =>
  (await server.app.database.db.selectFrom("authSessions").select("lastUsedAt").where("id", "=", user.tokens.sessionId).executeTakeFirstOrThrow()).lastUsedAt;

/** A's handshake, counted until `watcher` (A's connection, when given) heard A come online and a late write had time to land. */
async function countedHandshake(a: SignedIn, watcher: TestSocket | undefined): Promise<{ socket: TestSocket; statements: string[] }> {
  const heard = watcher?.events.length ?? 0;
  const recording = recordStatements(server);
  try {
    const socket = await signedIn(a);
    if (watcher) await eventually(() => watcher.events.slice(heard).some((e) => e.type === "PRESENCE" && e.userId === a.user.id), "the connection to hear A");
    // The session's touch goes after AUTHENTICATED without being awaited: give a stray one time to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { socket, statements: recording.stop().map((s) => s.sql) };
  } finally {
    recording.stop();
  }
}

describe("a signed-in handshake's database statements", () => {
  test("coming online: the session check, one read of the person and their connections, and lastUsedAt at most once a minute", async () => {
    const [a, b] = await makeUsers(server, 2, "cost");
    if (!a || !b) throw new Error("users");
    await connect(server, a, b);
    const watcher = await signedIn(b);

    // The session was last used at sign-in, over a minute ago: this handshake marks it used.
    server.clock.advance(2 * 60_000);
    const first = await countedHandshake(a, watcher);
    assert.equal(first.statements.length, 3, `session check, presence read, lastUsedAt:\n${first.statements.join("\n")}`);
    await eventually(async () => (await lastUsedAt(a)) === server.clock.now(), "lastUsedAt to be written");

    // Offline, then back within the minute: nothing written, two reads.
    await closed(first.socket);
    server.clock.advance(GRACE);
    for (const app of server.nodes) await app.presence.tick();
    const touchedAt = await lastUsedAt(a);
    const again = await countedHandshake(a, watcher);
    assert.equal(again.statements.length, 2, `session check and presence read only:\n${again.statements.join("\n")}`);
    assert.equal(await lastUsedAt(a), touchedAt);

    // A quick reconnect (within the presence grace) is not news to anyone: the session check alone.
    await closed(again.socket);
    const quick = await countedHandshake(a, undefined);
    assert.equal(quick.statements.length, 1, `session check only:\n${quick.statements.join("\n")}`);
    await closed(quick.socket);
    await closed(watcher);
  });
});
