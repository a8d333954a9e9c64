// Fault test: a storm of messages between 10 pairs of users while the real server process is
// killed with SIGKILL twice and restarted on the same data. Clients behave as the apps do (an
// outbox under client ids, resent after reconnect; SYNC with their cursor). The checker then
// asserts that every acknowledged message reached its recipient exactly once, in per-chat seq
// order with no gaps, and that the server's history says the same. SQLite by default; with
// DATABASE_URL set, a fresh PostgreSQL schema. See docs/chat-fault-test.md.
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnAlone, type NodeProcesses } from "./support/clusterProcesses.ts";
import { checkChat } from "./support/faultChecker.ts";
import { historyOf, pairChats, killMidBurst, settle, sleep, storm, stormSummary, until } from "./support/faultStorm.ts";
import { OutboxClient } from "./support/outboxClient.ts";
import { seedUsers } from "./support/seed.ts";
import { freshStore } from "./support/store.ts";

const PAIRS = 10;
/** Each client composes a message this often while the storm lasts. */
const COMPOSE_EVERY_MS = 100;
/** Storm traffic against a live server before the first kill, between the kills and after the last restart. */
const LIVE_MS = 1_500;

const SLOW_RECONNECT_MS = 1_500;

test("kill -9 twice during a message storm: every acknowledged message arrives exactly once, in order", { timeout: 120_000 }, async (t) => {
  const store = freshStore(process.env.DATABASE_URL ? "postgres" : "sqlite");
  let server: NodeProcesses | undefined;
  const clients: OutboxClient[] = [];
  try {
    const users = await seedUsers(store.env, PAIRS * 2, { prefix: "storm", connectPairs: true });
    server = await spawnAlone(store.env);
    const url = server.nodes[0]!.url;
    for (const { a, b, chatId } of await pairChats(url, users)) {
      // The second of each pair is slow to come back: its peer's outbox is sent while it is away, so it must catch up by SYNC.
      clients.push(new OutboxClient(a, chatId, () => url), new OutboxClient(b, chatId, () => url, SLOW_RECONNECT_MS));
    }
    for (const c of clients) c.start();
    await until(() => clients.every((c) => c.connected), "every client to connect", 15_000);

    const composing = storm(() => clients, COMPOSE_EVERY_MS);
    const kills: string[] = [];
    for (let round = 1; round <= 2; round++) {
      await until(() => clients.every((c) => c.connected), "every client to reconnect", 15_000);
      await sleep(LIVE_MS);
      kills.push(`kill ${round}: ${await killMidBurst(clients, clients, server)}`);
    }
    await sleep(LIVE_MS);
    await composing.stop();
    await settle(clients);

    const problems: string[] = [];
    for (let p = 0; p < PAIRS; p++) {
      const a = clients[2 * p]!;
      const b = clients[2 * p + 1]!;
      problems.push(...checkChat([a, b], await historyOf(url, a.user, a.chatId)));
    }
    t.diagnostic(kills.join("; "));
    t.diagnostic(stormSummary(clients));
    assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems`);
    // Both kills must have cut every client off, or the test proved less than it says.
    assert.ok(
      clients.every((c) => c.counts.connections >= 3),
      `connections per client: ${clients.map((c) => c.counts.connections).join(",")}`,
    );
  } catch (error) {
    server?.report(t);
    throw error;
  } finally {
    for (const c of clients) c.stop();
    await server?.stop();
    await store.drop();
  }
});
