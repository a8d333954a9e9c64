// Fault test with a group: eight members write into one group at once while the real server process
// is killed with SIGKILL twice and restarted on the same data; between the kills one member leaves
// and a newcomer joins by the invite link. Clients behave as the apps do (an outbox under client ids,
// resent after reconnect; SYNC with their cursor; history paging on `resync`). The checker asserts
// that every acknowledged message reached every member whose stay covers it exactly once, at one seq
// order for all, that the leaver holds nothing after their `left` line and the newcomer nothing
// before their `joined` line, and that the server's history says the same. SQLite by default; with
// DATABASE_URL set, a fresh PostgreSQL schema. See docs/chat-fault-test.md.
import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnAlone, type NodeProcesses } from "./support/clusterProcesses.ts";
import { checkChat } from "./support/faultChecker.ts";
import { apiAs, historyOf, stormGroup, killMidBurst, settle, sleep, storm, stormSummary, until } from "./support/faultStorm.ts";
import { OutboxClient } from "./support/outboxClient.ts";
import { seedUsers } from "./support/seed.ts";
import { freshStore } from "./support/store.ts";

/** The creator and the members who join before the storm. */
const FOUNDERS = 8;
/** Each writing member composes a message this often while the storm lasts. */
const COMPOSE_EVERY_MS = 100;
/** Storm traffic against a live server before the first kill, between the kills and after the last restart. */
const LIVE_MS = 1_500;
const SLOW_RECONNECT_MS = 1_500;

test(
  "kill -9 twice during a group storm with a leave and a join: every member gets each acknowledged message of their stay exactly once, in order",
  { timeout: 120_000 },
  async (t) => {
    const store = freshStore(process.env.DATABASE_URL ? "postgres" : "sqlite");
    let server: NodeProcesses | undefined;
    const clients: OutboxClient[] = [];
    try {
      const users = await seedUsers(store.env, FOUNDERS + 1, { prefix: "gstorm" });
      const [owner, ...members] = users;
      const newcomer = members.pop();
      assert.ok(owner && newcomer);
      server = await spawnAlone(store.env);
      const url = server.nodes[0]!.url;
      const { chatId, token } = await stormGroup(url, owner, members);

      // Three members are slow to come back: the others' outboxes are sent while they are away, so they must catch up by SYNC.
      clients.push(...[owner, ...members].map((user, i) => new OutboxClient(user, chatId, () => url, i >= 1 && i <= 3 ? SLOW_RECONNECT_MS : undefined)));
      const leaver = clients.at(-1)!;
      for (const c of clients) c.start();
      await until(() => clients.every((c) => c.connected), "every client to connect", 15_000);

      const composers = new Set(clients);
      const composing = storm(() => composers, COMPOSE_EVERY_MS);
      const kills: string[] = [];
      for (let round = 1; round <= 2; round++) {
        await until(() => clients.every((c) => c.connected), "every client to reconnect", 15_000);
        if (round === 2) {
          // Membership changes in the middle of the storm, with the server just restarted: one member stops writing,
          // waits for its outbox to empty and leaves; a newcomer joins by the link and starts writing.
          composers.delete(leaver);
          await until(() => leaver.pending === 0, "the leaver's outbox to empty", 15_000);
          await apiAs(url, leaver.user, "POST", `/api/groups/${chatId}/leave`);
          await apiAs(url, newcomer, "POST", "/api/groups/join", { token });
          const joined = new OutboxClient(newcomer, chatId, () => url);
          clients.push(joined);
          joined.start();
          await until(() => joined.connected, "the newcomer to connect", 15_000);
          composers.add(joined);
        }
        await sleep(LIVE_MS);
        kills.push(`kill ${round}: ${await killMidBurst(clients, [...composers], server)}`);
      }
      await sleep(LIVE_MS);
      await composing.stop();
      await settle(clients);

      const problems = checkChat(clients, await historyOf(url, owner, chatId));
      t.diagnostic(kills.join("; "));
      t.diagnostic(stormSummary(clients));
      t.diagnostic(`${clients[0]!.held.size} seqs in the group; the leaver holds ${leaver.held.size}, the newcomer ${clients.at(-1)!.held.size}`);
      assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems`);
      // The membership changes happened, and both kills cut every client off, or the test proved less than it says.
      assert.ok(
        [...leaver.held.values()].some((m) => m.system === "left" && m.senderId === leaver.user.id),
        "the leaver holds its left line",
      );
      assert.ok(
        [...clients[0]!.held.values()].some((m) => m.system === "joined" && m.senderId === newcomer.id),
        "the newcomer's joined line",
      );
      assert.ok(
        clients.every((c) => c.counts.connections >= (c.user === newcomer ? 2 : 3)),
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
  },
);
