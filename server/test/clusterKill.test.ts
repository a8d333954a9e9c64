// Fault test of cluster mode: three real node processes over one PostgreSQL schema and one Redis
// prefix, clients spread over them by a round-robin TCP proxy (a load balancer without sticky
// sessions), a storm in 1-1 chats and a group whose members sit on every node. One node is killed
// with SIGKILL mid-burst: its clients reconnect through the proxy to the others and resync, while
// the other nodes' clients go on. Then the node is started again, every connection is dropped so the
// clients spread over all three anew, and the storm goes on through it. The checker asserts that
// every acknowledged message reached every member exactly once, in per-chat seq order, and that the
// server's history says the same. Runs in the cluster suite (PostgreSQL + Redis); see
// docs/cluster-fan-out.md, "When a node dies".
import assert from "node:assert/strict";
import { test } from "node:test";
import { HealthResponse } from "@easyqr/protocol";
import { clusterFaultsSkip, spawnCluster, type NodeProcesses } from "./support/clusterProcesses.ts";
import { checkChat } from "./support/faultChecker.ts";
import { burstThenKill, historyOf, pairChats, settle, sleep, storm, stormGroup, stormSummary, until, type Storm } from "./support/faultStorm.ts";
import { OutboxClient } from "./support/outboxClient.ts";
import { roundRobin, type RoundRobin } from "./support/roundRobin.ts";
import { seedUsers } from "./support/seed.ts";
import { freshStore } from "./support/store.ts";

const NODES = 3;
const PAIRS = 6;
/** The group's owner and members, spread over the nodes like everyone else. */
const GROUP = 6;
const COMPOSE_EVERY_MS = 100;
/** Storm traffic before the kill, with one node down, and after the restart. */
const LIVE_MS = 1_500;
const SLOW_RECONNECT_MS = 1_500;
const VICTIM = 1;

test(
  "kill -9 one of three nodes during a storm: its clients move to the others, and every acknowledged message arrives exactly once, in order",
  { skip: clusterFaultsSkip(), timeout: 240_000 },
  async (t) => {
    const store = freshStore("postgres");
    let cluster: NodeProcesses | undefined;
    let balancer: RoundRobin | undefined;
    const clients: OutboxClient[] = [];
    let composing: Storm | undefined;
    try {
      const users = await seedUsers(store.env, PAIRS * 2 + GROUP, { prefix: "ckill", connectPairs: true });
      cluster = await spawnCluster(store.env, NODES);
      const ports = cluster.ports;
      balancer = await roundRobin(() => ports);
      const lb = balancer;
      const url = lb.url;
      const chats: OutboxClient[][] = [];
      for (const { a, b, chatId } of await pairChats(url, users.slice(0, PAIRS * 2))) {
        // The second of each pair is slow to come back: what its peer sends meanwhile must come by SYNC.
        chats.push([new OutboxClient(a, chatId, () => url), new OutboxClient(b, chatId, () => url, SLOW_RECONNECT_MS)]);
      }
      const [owner, ...members] = users.slice(PAIRS * 2);
      assert.ok(owner);
      const group = await stormGroup(url, owner, members);
      chats.push([owner, ...members].map((user) => new OutboxClient(user, group.chatId, () => url)));
      clients.push(...chats.flat());
      for (const c of clients) c.start();
      await until(() => clients.every((c) => c.connected), "every client to connect", 20_000);
      const nodeOf = (c: OutboxClient) => ports.indexOf(lb.nodeOf(c.localPort ?? 0) ?? -1);
      const spread = Array.from({ length: NODES }, (_, i) => clients.filter((c) => nodeOf(c) === i).length);
      assert.ok(
        spread.every((n) => n > 0),
        `clients on each node: ${spread.join(", ")}`,
      );

      composing = storm(() => clients, COMPOSE_EVERY_MS);
      await sleep(LIVE_MS);
      const cutOff = clients.filter((c) => nodeOf(c) === VICTIM);
      const connectionsBefore = new Map(cutOff.map((c) => [c, c.counts.connections]));
      const killed = await burstThenKill(cutOff, clients, cluster.nodes[VICTIM]!);
      const killedAt = Date.now();
      const reconnected = (c: OutboxClient) => c.connected && c.counts.connections > connectionsBefore.get(c)!;
      await until(() => cutOff.every(reconnected), "the killed node's clients to reconnect", 20_000);
      const movedAfter = Date.now() - killedAt;
      assert.ok(
        cutOff.every((c) => nodeOf(c) !== VICTIM),
        "they are on the other nodes",
      );
      await sleep(LIVE_MS);

      const restarted = await cluster.restart(VICTIM);
      const health = HealthResponse.parse(await (await fetch(`${restarted.url}/health`)).json());
      assert.deepEqual([health.status, health.node], ["ok", `node-${VICTIM + 1}`]);
      // Everyone reconnects, spread over all three again: the restarted node serves its share of the storm.
      const beforeDrop = new Map(clients.map((c) => [c, c.counts.connections]));
      lb.dropAll();
      await until(() => clients.every((c) => c.connected && c.counts.connections > beforeDrop.get(c)!), "every client to reconnect after the restart", 20_000);
      const back = clients.filter((c) => nodeOf(c) === VICTIM).length;
      assert.ok(back > 0, "clients on the restarted node");
      await sleep(LIVE_MS);
      await composing.stop();
      await settle(clients);

      const problems: string[] = [];
      for (const members of chats) problems.push(...checkChat(members, await historyOf(url, members[0]!.user, members[0]!.chatId)));
      t.diagnostic(
        `clients per node ${spread.join("/")}; killed node-${VICTIM + 1} with ${cutOff.length} clients: ${killed}; all reconnected within ${movedAfter} ms; ${back} clients on it after the restart`,
      );
      t.diagnostic(stormSummary(clients));
      assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems`);
      assert.ok(
        cutOff.every((c) => c.counts.connections >= 3) && clients.every((c) => c.counts.connections >= 2),
        `connections per client: ${clients.map((c) => c.counts.connections).join(",")}`,
      );
      assert.ok(
        cluster.nodes.every((node) => node.running()),
        "every node runs",
      );
    } catch (error) {
      cluster?.report(t);
      throw error;
    } finally {
      await composing?.stop();
      for (const c of clients) c.stop();
      await balancer?.close();
      await cluster?.stop();
      await store.drop();
    }
  },
);
