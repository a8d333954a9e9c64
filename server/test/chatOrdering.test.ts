// Every change to a chat (send, edit, delete, reaction) reaches every socket in rev order: on
// PostgreSQL send batches overlap (up to `batchConcurrency`) and changes run on pool connections
// beside them; on SQLite the same test must pass. A client that applies what it hears in arrival
// order ends up with what a fresh fetch shows, without a gap to SYNC over.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test, type TestContext } from "node:test";
import type { Message, ServerEvent } from "@easyqr/protocol";
import type { SignedIn } from "./support/api.ts";
import { allMessages, chatOf, openChat, roomyChatLimits } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, eventually, makeUsers, roomyContactLimits, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(
  async () =>
    (server = await startServer({
      authLimits: { sendsPerIp: 10_000 },
      contactLimits: roomyContactLimits,
      // Small batches without a gap: a long queue, so batches overlap with each other and with changes.
      chatLimits: { ...roomyChatLimits, batchSize: 8, batchConcurrency: 3 },
    })),
);
after(() => server.close());

type FrameType = "SEND" | "EDIT" | "DELETE" | "REACT";
type Client = { userId: string; name: string; socket: TestSocket; frames: Map<string, FrameType> };

/**
 * How the sockets answer what they hear: each edits (every 3rd) and deletes (every 4th) its
 * messages as they are acked, and reacts to every other message it receives, with an emoji of
 * its own, once: so every frame that succeeds is a change. `racing`: all of that on any message,
 * so changes to one message meet (two sockets of a user react to it while its sender edits it);
 * else each message gets changes from one side only (the sender's odd seqs, the peer's even ones,
 * one socket per user reacting).
 */
function storm(client: Client, chatId: string, emoji: string, racing: boolean): void {
  let acked = 0;
  client.socket.ws.on("message", (data) => {
    const event = JSON.parse((data as Buffer).toString()) as ServerEvent;
    if ((event.type !== "ACK" && event.type !== "MESSAGE") || event.message?.chatId !== chatId) return;
    const { id, seq, senderId, text } = event.message;
    if (event.type === "ACK" && client.frames.get(event.id) === "SEND" && (racing || seq % 2 === 1)) {
      acked += 1;
      if (acked % 3 === 0) frame(client, "EDIT", { messageId: id, text: `${text ?? ""} (edited)` });
      if (acked % 4 === 0) frame(client, "DELETE", { messageId: id });
    }
    const mayReact = racing || (senderId !== client.userId && client.name.endsWith("1"));
    if (event.type === "MESSAGE" && seq % 2 === 0 && mayReact) frame(client, "REACT", { messageId: id, emoji });
  });
}

function frame(client: Client, type: FrameType, body: Record<string, unknown>): void {
  const id = randomUUID();
  client.frames.set(id, type);
  client.socket.send({ type, id, ...body });
}

/**
 * The client's view rebuilt from what it heard, in arrival order: MESSAGE events and its own SEND
 * ACKs add messages, MESSAGE_UPDATED and the ACKs of its changes replace them. Every successful
 * frame of the storm is a change, so each socket must hear rev 1, 2, 3 … of the chat, in order.
 */
function replay(client: Client, chatId: string): { view: Map<string, Message>; revs: number[]; problems: string[] } {
  const view = new Map<string, Message>();
  const revs: number[] = [];
  const problems: string[] = [];
  for (const event of client.socket.events) {
    let message: Message | undefined;
    let adds = false;
    if (event.type === "MESSAGE") [message, adds] = [event.message, true];
    else if (event.type === "MESSAGE_UPDATED") message = event.message;
    else if (event.type === "ACK" && event.message) [message, adds] = [event.message, client.frames.get(event.id) === "SEND"];
    if (message?.chatId !== chatId) continue;
    const what = `${event.type === "ACK" ? `ACK of ${client.frames.get(event.id) ?? "?"}` : event.type} seq ${message.seq} rev ${message.rev}`;
    const last = revs.at(-1) ?? 0;
    if (message.rev <= last) problems.push(`${what} after rev ${last}`);
    else if (message.rev > last + 1) problems.push(`${what} skips from rev ${last}`);
    revs.push(message.rev);
    if (adds && view.has(message.id)) problems.push(`${what}: a message already known`);
    if (!adds && !view.has(message.id)) problems.push(`${what}: a message not heard of yet`);
    const known = view.get(message.id);
    if (!known || known.rev < message.rev) view.set(message.id, message);
  }
  return { view, revs, problems };
}

/**
 * Frames follow what the sockets hear, so the storm is over once every frame is answered and every
 * socket has heard the chat's last rev, with nothing sent meanwhile. Returns that rev.
 */
async function settled(clients: Client[], chatId: string, member: SignedIn): Promise<number> {
  const answered = () => clients.every((c) => c.socket.events.filter((e) => e.type === "ACK").length === c.frames.size);
  const heard = (rev: number) => clients.every((c) => Math.max(0, ...replay(c, chatId).revs) >= rev);
  for (;;) {
    await eventually(answered, "every frame answered", 60_000);
    const { rev } = await chatOf(server, member, chatId);
    await eventually(() => heard(rev), `every socket at rev ${rev}`, 10_000);
    if (answered() && (await chatOf(server, member, chatId)).rev === rev) return rev;
  }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

for (const racing of [false, true]) {
  const title = racing ? "changes racing on the same messages" : "changes to different messages";
  test(
    `sends, edits, deletes and reactions from four sockets on one chat (${title}): every socket hears the chat's revs 1, 2, 3 … in order and ends with what a fresh fetch shows`,
    { timeout: 120_000 },
    (t) => stormTest(t, racing),
  );
}

async function stormTest(t: TestContext, racing: boolean): Promise<void> {
  const [a, b, c] = (await makeUsers(server, 3, "order")) as [SignedIn, SignedIn, SignedIn];
  await connect(server, a, b);
  await connect(server, a, c);
  const chat = await openChat(server, a, b);
  // Another chat's sends in the same batches: a batch that does not write this chat still takes its turn.
  const other = await openChat(server, c, a);
  const noise = await userSocket(server, c);
  const clients: Client[] = [];
  for (const [user, name] of [
    [a, "a1"],
    [a, "a2"],
    [b, "b1"],
    [b, "b2"],
  ] as const) {
    clients.push({ userId: user.user.id, name, socket: await userSocket(server, user), frames: new Map() });
  }
  clients.forEach((client, i) => storm(client, chat.id, ["👍", "❤️", "😂", "🎉"][i] ?? "👀", racing));

  const PER = 100;
  for (let i = 0; i < PER; i++) {
    for (const client of clients) frame(client, "SEND", { chatId: chat.id, text: `${client.name} ${i}` });
    for (let k = 0; k < 2; k++) noise.send({ type: "SEND", id: randomUUID(), chatId: other.id, text: `noise ${i}` });
    if (i % 4 === 0) await turn();
  }

  const failures: string[] = [];
  const finalRev = await settled(clients, chat.id, a).catch((error: unknown) => {
    failures.push(String(error));
    return undefined;
  });
  const refused = new Map<string, number>();
  for (const client of clients) {
    const answers = new Set<string>();
    for (const e of client.socket.events) {
      if (e.type !== "ACK") continue;
      answers.add(e.id);
      const what = `${client.frames.get(e.id) ?? "?"} ${e.error?.code ?? ""}`;
      if (e.error) refused.set(what, (refused.get(what) ?? 0) + 1);
    }
    const unanswered = [...client.frames].filter(([id]) => !answers.has(id)).map(([, type]) => type);
    if (unanswered.length > 0)
      failures.push(`${client.name}: ${unanswered.length} of ${client.frames.size} frames unanswered (${[...new Set(unanswered)].join(", ")})`);
    const { problems } = replay(client, chat.id);
    if (problems.length > 0) failures.push(`${client.name}: ${problems.length} heard out of rev order, first: ${problems.slice(0, 3).join("; ")}`);
  }
  t.diagnostic(`rev ${finalRev ?? "?"}; refused: ${JSON.stringify(Object.fromEntries(refused))}`);
  // Only a change to a message deleted meanwhile may be refused.
  for (const [what, n] of refused) if (!what.endsWith("MESSAGE_DELETED")) failures.push(`${n} × ${what}`);
  assert.deepEqual(failures, []);

  const fresh = await allMessages(server, a, chat.id);
  assert.equal(fresh.length, PER * clients.length);
  for (const client of clients) {
    const { view, revs } = replay(client, chat.id);
    assert.deepEqual(
      revs,
      Array.from({ length: finalRev ?? 0 }, (_, i) => i + 1),
      `${client.name} heard every rev once`,
    );
    assert.deepEqual(
      [...view.values()].sort((x, y) => x.seq - y.seq),
      fresh,
      `${client.name}'s view is a fresh fetch`,
    );
  }
  for (const client of clients) client.socket.close();
  noise.close();
}
