// Send batches in flight at once (PostgreSQL writes up to `batchConcurrency` of them together; on
// SQLite, one at a time, the same test must pass): many sockets sending into the same chats.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Message, ServerEventOf } from "@easyqr/protocol";
import type { SignedIn } from "./support/api.ts";
import { allMessages, openChat, received, roomyChatLimits } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, eventually, makeUsers, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: roomyContactLimits,
      // Small batches without a gap: a long queue, so batches overlap and share chats.
      chatLimits: { ...roomyChatLimits, batchSize: 8, batchConcurrency: 3 },
    })),
);
after(() => server.close());

type Device = { user: SignedIn; socket: TestSocket };

/** Each user connected to each other, a chat per pair, two sockets per user. */
async function triangle(base: string) {
  const users = (await makeUsers(server, 3, base)) as [SignedIn, SignedIn, SignedIn];
  const pairs = [
    [users[0], users[1]],
    [users[0], users[2]],
    [users[1], users[2]],
  ] as const;
  const chats: { id: string; members: SignedIn[] }[] = [];
  for (const [x, y] of pairs) {
    await connect(server, x, y);
    chats.push({ id: (await openChat(server, x, y)).id, members: [x, y] });
  }
  const devices: Device[] = [];
  for (const user of users) for (let k = 0; k < 2; k++) devices.push({ user, socket: await userSocket(server, user) });
  return { chats, devices };
}

function acks(socket: TestSocket): ServerEventOf<"ACK">[] {
  return socket.events.flatMap((e) => (e.type === "ACK" ? [e] : []));
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test(
  "six sockets sending into three shared chats at once: gapless seqs, each socket's order kept, events in seq order everywhere, a client id sent twice is one message",
  { timeout: 60_000 },
  async () => {
    const { chats, devices } = await triangle("conc");
    const PER = 100;
    // What each device sent, per chat, in order; every 10th id is sent by both devices of the user.
    const sent = new Map<TestSocket, Map<string, string[]>>(devices.map((d) => [d.socket, new Map(chats.map((c) => [c.id, []]))]));
    const shared = new Set<string>();
    for (let i = 0; i < PER; i++) {
      for (const chat of chats) {
        for (const member of chat.members) {
          const own = devices.filter((d) => d.user === member);
          const sharedId = i % 10 === 0 ? randomUUID() : undefined;
          if (sharedId) shared.add(sharedId);
          for (const d of own) {
            const id = sharedId ?? randomUUID();
            sent.get(d.socket)?.get(chat.id)?.push(id);
            d.socket.send({ type: "SEND", id, chatId: chat.id, text: `${i}` });
          }
        }
      }
      if (i % 5 === 0) await turn();
    }
    const frames = (s: TestSocket) => [...(sent.get(s)?.values() ?? [])].reduce((n, ids) => n + ids.length, 0);
    for (const d of devices) await eventually(() => acks(d.socket).length === frames(d.socket), "every ACK", 30_000);

    const acked = new Map<TestSocket, Map<string, Message>>();
    for (const d of devices) {
      const byId = new Map<string, Message>();
      for (const a of acks(d.socket)) {
        assert.ok(a.message, `SEND refused: ${JSON.stringify(a.error)}`);
        byId.set(a.id, a.message);
      }
      acked.set(d.socket, byId);
    }

    for (const chat of chats) {
      const history = await allMessages(server, chat.members[0]!, chat.id);
      const perUser = PER * 2 - PER / 10;
      assert.deepEqual(
        history.map((m) => m.seq),
        Array.from({ length: perUser * 2 }, (_, i) => i + 1),
        "seq 1..n without gaps, a shared client id stored once",
      );
      const bySeq = new Map(history.map((m) => [m.seq, m]));

      for (const d of devices.filter((x) => chat.members.includes(x.user))) {
        const mine = acked.get(d.socket) ?? new Map<string, Message>();
        const ids = sent.get(d.socket)?.get(chat.id) ?? [];
        for (const id of ids) assert.equal(bySeq.get(mine.get(id)?.seq ?? 0)?.id, mine.get(id)?.id, "an ACK is what was stored");
        const ownSeqs = ids.filter((id) => !shared.has(id)).map((id) => mine.get(id)?.seq ?? 0);
        assert.deepEqual(
          ownSeqs,
          [...ownSeqs].sort((x, y) => x - y),
          "a socket's messages keep the order it sent them in",
        );

        // Events and own ACKs together are the chat; the events alone arrive in seq order.
        const covered = () => new Set([...received(d.socket, chat.id).map((m) => m.seq), ...ids.map((id) => mine.get(id)?.seq ?? 0)]).size === history.length;
        await eventually(covered, "every message as an event or an ACK", 20_000);
        const events = received(d.socket, chat.id);
        for (const m of events) assert.equal(m.id, bySeq.get(m.seq)?.id, `event seq ${m.seq} is the stored message`);
        const seqs = events.map((m) => m.seq);
        assert.ok(
          seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] ?? 0)),
          `${d.user.user.username}: events out of seq order: ${seqs.filter((seq, i) => i > 0 && seq <= (seqs[i - 1] ?? 0)).join(",")}`,
        );
      }
    }
    for (const id of shared) {
      const answers = devices.flatMap((d) => (acked.get(d.socket)?.has(id) ? [acked.get(d.socket)?.get(id)?.id] : []));
      assert.equal(answers.length, 2);
      assert.equal(new Set(answers).size, 1, "both senders of a shared client id are answered with one message");
    }
    for (const d of devices) d.socket.close();
  },
);

test(
  "one client id sent at once into two chats from two sockets: one message, both answered with it, no gap in either chat",
  { timeout: 60_000 },
  async (t) => {
    const { chats, devices } = await triangle("twice");
    const [ab, ac] = [chats[0]!, chats[1]!];
    const [a1, a2] = [devices[0]!.socket, devices[1]!.socket];
    const ROUNDS = 20;
    const keys: string[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < 6; k++) {
        a1.send({ type: "SEND", id: randomUUID(), chatId: ab.id, text: "before" });
        a2.send({ type: "SEND", id: randomUUID(), chatId: ac.id, text: "before" });
      }
      const key = randomUUID();
      keys.push(key);
      a1.send({ type: "SEND", id: key, chatId: ab.id, text: "twice" });
      a2.send({ type: "SEND", id: key, chatId: ac.id, text: "twice" });
      for (let k = 0; k < 6; k++) {
        a1.send({ type: "SEND", id: randomUUID(), chatId: ab.id, text: "after" });
        a2.send({ type: "SEND", id: randomUUID(), chatId: ac.id, text: "after" });
      }
      await turn();
    }
    for (const s of [a1, a2]) await eventually(() => acks(s).length === ROUNDS * 13, "every ACK", 30_000);
    const histories = [await allMessages(server, devices[0]!.user, ab.id), await allMessages(server, devices[0]!.user, ac.id)];
    for (const history of histories) {
      assert.deepEqual(
        history.map((m) => m.seq),
        history.map((_, i) => i + 1),
      );
    }
    assert.equal(histories[0]!.length + histories[1]!.length, ROUNDS * 25, "every other send stored, each shared id once");
    const stored = histories.flat();
    for (const key of keys) {
      const rows = stored.filter((m) => m.clientId === key);
      assert.equal(rows.length, 1, `client id ${key} stored ${rows.length} times`);
      const answers = [a1, a2].map((s) => acks(s).find((a) => a.id === key)?.message?.id);
      assert.deepEqual(answers, [rows[0]?.id, rows[0]?.id], "both sockets are answered with the stored message");
    }
    const retried = server.logs.filter((l) => l.msg === "send batch met a resend stored meanwhile; retrying one by one").length;
    assert.deepEqual(
      server.logs.filter((l) => l.level >= 50 && l.msg.startsWith("send")).map((l) => l.msg),
      [],
      "a resend stored beside a batch is no error",
    );
    t.diagnostic(`${retried} batches retried one by one (a shared id stored meanwhile by a batch beside them)`);
    for (const d of devices) d.socket.close();
  },
);

test(
  "more sends than the backlog holds: sockets stop being read and go on once it halves, and every send is acked once, in order",
  { timeout: 60_000 },
  async () => {
    // A backlog of 4: two sockets writing 300 SENDs each at once fill it many times over.
    const small = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: roomyContactLimits,
      chatLimits: { ...roomyChatLimits, batchSize: 2, sendBacklog: 4 },
    });
    try {
      const [a, b] = (await makeUsers(small, 2, "backlog")) as [SignedIn, SignedIn];
      await connect(small, a, b);
      const chat = await openChat(small, a, b);
      const sockets = [await userSocket(small, a), await userSocket(small, b)];
      const PER = 300;
      const ids = sockets.map(() => Array.from({ length: PER }, () => randomUUID()));
      for (let i = 0; i < PER; i++)
        for (const [k, socket] of sockets.entries()) socket.send({ type: "SEND", id: ids[k]![i]!, chatId: chat.id, text: `${k} ${i}` });
      for (const socket of sockets) await eventually(() => acks(socket).length === PER, "every ACK", 30_000);

      for (const [k, socket] of sockets.entries()) {
        const answered = acks(socket);
        assert.deepEqual(
          answered.map((x) => x.id),
          ids[k],
          "each send answered once, in the order sent",
        );
        const seqs = answered.map((x) => x.message?.seq ?? 0);
        assert.ok(
          seqs.every((seq, i) => seq > 0 && (i === 0 || seq > seqs[i - 1]!)),
          "stored, in the order sent",
        );
      }
      const history = await allMessages(small, a, chat.id);
      assert.deepEqual(
        history.map((m) => m.seq),
        Array.from({ length: 2 * PER }, (_, i) => i + 1),
      );
      const texts = await Promise.all(small.nodes.map((node) => node.operations.metrics.text()));
      const pauses = texts.map((t) => Number(/^easyqr_send_backlog_pauses_total\{[^}]*\} (\d+)/m.exec(t.body)?.[1] ?? 0)).reduce((x, y) => x + y, 0);
      assert.ok(pauses > 0, "a socket was paused");
      for (const socket of sockets) socket.close();
    } finally {
      await small.close();
    }
  },
);
