import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { uuidv7, type Message } from "@easyqr/protocol";
import type { SignedIn } from "./support/api.ts";
import { ackOf, allMessages, chatOf, errorOf, request, roomyChatLimits, send } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, makeUsers, userSocket } from "./support/contacts.ts";
import { asGroup, groupsOf, makeGroup } from "./support/groups.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: { qrIssuesPerUser: 1000, requestsPerUser: 1000 },
      chatLimits: roomyChatLimits,
    })),
);
after(() => server.close());

const PER_SENDER = 25;

/** Sends `count` messages without waiting between them; resolves with each one's ACK (message or error code). */
function burst(socket: TestSocket, chatId: string, tag: string, count: number) {
  const ids = Array.from({ length: count }, () => uuidv7());
  for (const [i, id] of ids.entries()) socket.send({ type: "SEND", id, chatId, text: `${tag} ${i}` });
  return Promise.all(ids.map(async (id) => ({ id, ack: await ackOf(socket, id, 20_000) })));
}

test("adds, removals and leaves racing sends: one order, nothing lost or doubled, nobody hears past their leaving", async () => {
  const [owner, b, c, d, f] = (await makeUsers(server, 5, "race")) as [SignedIn, SignedIn, SignedIn, SignedIn, SignedIn];
  const group = await makeGroup(server, owner, [b, c, d]);
  await connect(server, owner, f);
  const sockets = new Map<SignedIn, TestSocket>();
  for (const user of [owner, b, c, d, f]) sockets.set(user, await userSocket(server, user));
  const socketOf = (user: SignedIn) => sockets.get(user) as TestSocket;

  const [sentB, sentC, sentD, changes] = await Promise.all([
    burst(socketOf(b), group.id, "b", PER_SENDER),
    burst(socketOf(c), group.id, "c", PER_SENDER),
    burst(socketOf(d), group.id, "d", PER_SENDER),
    Promise.all([groupsOf(server, owner).remove(group.id, c.user.id), groupsOf(server, owner).add(group.id, [f.user.id]), groupsOf(server, d).leave(group.id)]),
  ]);
  assert.deepEqual(
    changes.map((r) => r.status),
    [204, 200, 204],
  );

  const history = await allMessages(server, owner, group.id);
  assert.deepEqual(
    history.map((m) => m.seq),
    history.map((_, i) => i + 1),
    "seqs 1…n, no gap, no double",
  );
  const stored = new Map(history.map((m) => [m.clientId, m]));
  for (const { id, ack } of [...sentB, ...sentC, ...sentD]) {
    if (ack.error) {
      assert.equal(ack.error.code, "GROUP_NOT_MEMBER", `refused sends are refused for leaving (${ack.error.code})`);
      assert.equal(stored.has(id), false, "a refused send is not stored");
    } else {
      assert.equal(stored.get(id)?.id, ack.message?.id, "an acknowledged send is stored, once");
    }
  }
  assert.equal(
    sentB.every(({ ack }) => !ack.error),
    true,
    "a member who stays sends everything",
  );
  const lineOf = (event: string, userId: string) =>
    history.find(
      (m) =>
        m.system?.event === event &&
        (event === "left" ? m.senderId === userId : m.system !== null && "users" in m.system && m.system.users.some((u) => u.id === userId)),
    );
  const removed = lineOf("removed", c.user.id);
  const left = lineOf("left", d.user.id);
  const added = lineOf("added", f.user.id);
  assert.ok(removed && left && added);
  for (const { ack } of sentC) if (ack.message) assert.ok(ack.message.seq < removed.seq, "nothing of C's is stored after their removal");
  for (const { ack } of sentD) if (ack.message) assert.ok(ack.message.seq < left.seq, "nothing of D's is stored after they left");

  // Let every event arrive, then look at what each socket heard.
  const last = history.at(-1) as Message;
  await socketOf(owner)
    .next("MESSAGE", 10_000, (e) => e.message.rev >= last.rev && e.message.chatId === group.id)
    .catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const [user, socket] of sockets) {
    const revs = socket.events.flatMap((e) => (e.type === "MESSAGE" && e.message.chatId === group.id ? [e.message] : []));
    const acked = socket.events.flatMap((e) => (e.type === "ACK" && e.message?.chatId === group.id ? [e.message] : []));
    const heard = [...revs, ...acked].sort((x, y) => x.rev - y.rev).map((m) => m.rev);
    assert.equal(new Set(heard).size, heard.length, `${user.user.username}: no message heard twice`);
    const inOrder = revs.map((m) => m.rev);
    assert.deepEqual(
      inOrder,
      [...inOrder].sort((x, y) => x - y),
      `${user.user.username}: MESSAGE events in rev order`,
    );
    const view = asGroup(await chatOf(server, user, group.id));
    for (const m of revs) assert.ok(m.seq <= view.lastSeq, `${user.user.username}: heard nothing past their chat's end`);
  }
  const heardByC = socketOf(c).events.flatMap((e) => (e.type === "MESSAGE" && e.message.chatId === group.id ? [e.message.seq] : []));
  assert.ok(
    heardByC.every((seq) => seq <= removed.seq),
    "the removed member heard nothing after their removal",
  );
  const historyF = await allMessages(server, f, group.id);
  assert.equal(historyF[0]?.id, added.id, "the added member sees from their adding on");

  // A resend of a stored message answers it and stores nothing new.
  const first = sentB[0] as { id: string; ack: { message?: Message } };
  socketOf(b).send({ type: "SEND", id: first.id, chatId: group.id, text: "again" });
  const again = await ackOf(socketOf(b), first.id, 5000);
  assert.equal(again.message?.id, first.ack.message?.id);
  assert.equal(again.message?.text, "b 0");
  assert.equal((await allMessages(server, owner, group.id)).length, history.length);
  for (const socket of sockets.values()) socket.close();
});

test("a member's unread in a group is derived from the chat's last seq and their own seen mark", async () => {
  const [owner, ...members] = (await makeUsers(server, 6, "rows")) as [SignedIn, ...SignedIn[]];
  const group = await makeGroup(server, owner, members);
  const socket = await userSocket(server, owner);
  const id = randomUUID();
  socket.send({ type: "SEND", id, chatId: group.id, text: "one write" });
  await ackOf(socket, id);
  for (const member of members) {
    const view = asGroup(await chatOf(server, member, group.id));
    assert.equal(view.unread, view.lastSeq - view.mine.seenSeq, "unread is derived from the chat's last seq");
  }
  socket.close();
});

test("everyone reads at once: each reader's own count, a stranger refused alone, a former member changes nothing, blue only when the last one read", async () => {
  const [owner, stranger, ...members] = (await makeUsers(server, 10, "storm")) as [SignedIn, SignedIn, ...SignedIn[]];
  const group = await makeGroup(server, owner, members);
  const former = members.pop() as SignedIn;
  await groupsOf(server, former).leave(group.id);
  const last = members.pop() as SignedIn;
  const sockets = new Map<SignedIn, TestSocket>();
  for (const user of [owner, stranger, former, last, ...members]) sockets.set(user, await userSocket(server, user));
  const socketOf = (user: SignedIn) => sockets.get(user) as TestSocket;
  const sent = await send(socketOf(owner), group.id, "read me");

  // Sent in one turn: the group's receipts go to the database together (a batch), a stranger's among them.
  const seen = (user: SignedIn) => request(socketOf(user), { type: "SEEN", chatId: group.id, seq: sent.seq });
  const answers = await Promise.all([...members, stranger, former].map(seen));
  assert.deepEqual(
    answers.map(errorOf),
    [...members.map(() => undefined), "CHAT_NOT_FOUND", undefined],
    "the stranger is refused alone; the former member's receipt is accepted",
  );
  for (const member of members) {
    const own = await socketOf(member).next("RECEIPT", 3000, (e) => e.chatId === group.id);
    assert.deepEqual([own.userId, own.unread, own.receipts.seenSeq], [member.user.id, 0, sent.seq], "each reader's devices hear their own marks");
  }
  assert.equal(
    socketOf(former).events.some((e) => e.type === "RECEIPT"),
    false,
    "a former member's receipt moves nothing",
  );
  assert.ok((await chatOf(server, owner, group.id)).theirs.seenSeq < sent.seq, "not blue while one member has not read");

  assert.equal(errorOf(await seen(last)), undefined);
  await socketOf(owner).next("GROUP_RECEIPT", 3000, (e) => e.theirs.seenSeq >= sent.seq);
  assert.equal((await chatOf(server, owner, group.id)).theirs.seenSeq, sent.seq, "blue once every current member read");
  for (const socket of sockets.values()) socket.close();
});
