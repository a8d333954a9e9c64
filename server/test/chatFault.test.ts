// Fault test: a storm of messages between 10 pairs of users while the real server process is
// killed with SIGKILL twice and restarted on the same data. Clients behave as the apps do (an
// outbox under client ids, resent after reconnect; SYNC with their cursor). The checker then
// asserts that every acknowledged message reached its recipient exactly once, in per-chat seq
// order with no gaps, and that the server's history says the same. SQLite by default; with
// DATABASE_URL set, a fresh PostgreSQL schema. See docs/chat-fault-test.md.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HistoryPage } from "@easyqr/protocol";
import { checkChat } from "./support/faultChecker.ts";
import { OutboxClient, type Held } from "./support/outboxClient.ts";
import { seedUsers, type SeededUser } from "./support/seed.ts";
import { freePort, spawnServer, type ServerProcess } from "./support/serverProcess.ts";
import { freshStore } from "./support/store.ts";

const PAIRS = 10;
/** Each client composes a message this often while the storm lasts. */
const COMPOSE_EVERY_MS = 100;
/** Storm traffic against a live server before the first kill, between the kills and after the last restart. */
const LIVE_MS = 1_500;

const SLOW_RECONNECT_MS = 1_500;
/** How long before each kill the clients drop their ACKs unread. */
const ACKS_LOST_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function openChat(url: string, a: SeededUser, b: SeededUser): Promise<string> {
  const response = await fetch(`${url}/api/chats`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${a.accessToken}` },
    body: JSON.stringify({ userId: b.id }),
  });
  const body = (await response.json()) as { id?: string };
  assert.ok(response.ok && body.id, `POST /api/chats: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

async function history(url: string, user: SeededUser, chatId: string): Promise<Held[]> {
  const all: Held[] = [];
  for (;;) {
    const response = await fetch(`${url}/api/chats/${chatId}/messages?after=${all.at(-1)?.seq ?? 0}&limit=100`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    const page = HistoryPage.parse(await response.json());
    all.push(...page.messages);
    if (!page.more || page.messages.length === 0) return all;
  }
}

test("kill -9 twice during a message storm: every acknowledged message arrives exactly once, in order", { timeout: 120_000 }, async (t) => {
  const store = freshStore(process.env.DATABASE_URL ? "postgres" : "sqlite");
  const port = await freePort();
  let server: ServerProcess | undefined;
  const clients: OutboxClient[] = [];
  try {
    const users = await seedUsers(store.env, PAIRS * 2, { prefix: "storm", connectPairs: true });
    server = await spawnServer(store.env, port);
    const url = server.url;
    for (let p = 0; p < PAIRS; p++) {
      const a = users[2 * p]!;
      const b = users[2 * p + 1]!;
      const chatId = await openChat(url, a, b);
      // The second of each pair is slow to come back: its peer's outbox is sent while it is away, so it must catch up by SYNC.
      clients.push(new OutboxClient(a, chatId, () => url), new OutboxClient(b, chatId, () => url, SLOW_RECONNECT_MS));
    }
    for (const c of clients) c.start();
    await until(() => clients.every((c) => c.connected), "every client to connect", 15_000);

    let storming = true;
    const storm = (async () => {
      while (storming) {
        for (const c of clients) c.compose();
        await sleep(COMPOSE_EVERY_MS);
      }
    })();
    const kills: string[] = [];
    for (let round = 1; round <= 2; round++) {
      await until(() => clients.every((c) => c.connected), "every client to reconnect", 15_000);
      await sleep(LIVE_MS);
      // The last ACKs before the kill are lost on the way (stored, never acknowledged: the resend must find
      // the original), and a burst goes out just before it (in flight: some committed, some not).
      for (const c of clients) c.loseAcksUntilReconnect();
      for (const c of clients) c.compose();
      await sleep(ACKS_LOST_MS);
      for (const c of clients) c.compose();
      await sleep(3);
      const acked = clients.reduce((n, c) => n + c.acked.size, 0);
      const pending = clients.reduce((n, c) => n + c.pending, 0);
      await server.kill9();
      const killedAt = Date.now();
      server = await spawnServer(store.env, port);
      kills.push(`kill ${round}: ${acked} acked, ${pending} unacknowledged; back after ${Date.now() - killedAt} ms`);
    }
    await sleep(LIVE_MS);
    storming = false;
    await storm;

    await until(() => clients.every((c) => c.connected && c.pending === 0), "every outbox to empty", 30_000);
    for (const c of clients) await c.sync();

    const problems: string[] = [];
    for (let p = 0; p < PAIRS; p++) {
      const a = clients[2 * p]!;
      const b = clients[2 * p + 1]!;
      problems.push(...checkChat(a, b, await history(url, a.user, a.chatId)));
    }
    const sum = (pick: (c: OutboxClient) => number) => clients.reduce((n, c) => n + pick(c), 0);
    t.diagnostic(kills.join("; "));
    t.diagnostic(
      `${sum((c) => c.composed.length)} messages composed and acknowledged; ${sum((c) => c.counts.messageEvents)} MESSAGE events, ` +
        `${sum((c) => c.counts.syncChanges)} changes from SYNC, ${sum((c) => c.counts.duplicatesDropped)} duplicates dropped by seq, ` +
        `${sum((c) => c.counts.resends)} resends (${sum((c) => c.counts.storedBeforeDrop)} of them stored before the kill, acknowledged after; ${sum((c) => c.counts.acksLost)} ACKs dropped unread), ${sum((c) => c.counts.connections)} connections, ${sum((c) => c.counts.rateLimited)} rate-limited, ${sum((c) => c.counts.resyncs)} resyncs, ${sum((c) => c.counts.handshakeTimeouts)} handshake time-outs`,
    );
    assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems`);
    // Both kills must have cut every client off, or the test proved less than it says.
    assert.ok(
      clients.every((c) => c.counts.connections >= 3),
      `connections per client: ${clients.map((c) => c.counts.connections).join(",")}`,
    );
  } catch (error) {
    if (server) t.diagnostic(`server output:\n${server.output()}`);
    throw error;
  } finally {
    for (const c of clients) c.stop();
    await server?.stop();
    await store.drop();
  }
});
