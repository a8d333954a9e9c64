import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { uuidv7 } from "@easyqr/protocol";
import type { MessageRow } from "../src/chat/rows.ts";
import { openChatStore, type ChatStore } from "../src/chat/store/index.ts";
import { renderHistory, renderMessages } from "../src/chat/view.ts";
import { loadConfig } from "../src/config.ts";
import { openDatabase, type Database } from "../src/db/database.ts";
import { newUserRow } from "../src/users/rows.ts";
import { freshStore, type Store } from "./support/store.ts";

// One suite for every engine's ChatStore: the integration runs give it SQLite, then PostgreSQL
// (DATABASE_URL). Each test makes its own users and chat, so the tests share one database.

const engine = process.env.DATABASE_URL ? "postgres" : "sqlite";
let place: Store;
let database: Database;
let store: ChatStore;

before(async () => {
  place = freshStore(engine);
  database = await openDatabase(loadConfig({ LOG_LEVEL: "silent", ...place.env }));
  store = openChatStore(database);
});
after(async () => {
  await database.close();
  await place.drop();
});

const now = Date.now();

async function user(): Promise<string> {
  const row = newUserRow({}, now);
  await database.db.insertInto("users").values(row).execute();
  return row.id;
}

/** Two connected users and their chat (members in the `chats` order). */
async function pair(): Promise<{ chatId: string; low: string; high: string }> {
  const [a, b] = [await user(), await user()];
  const [low, high] = a < b ? [a, b] : [b, a];
  await database.db.insertInto("connections").values({ userLow: low, userHigh: high, createdAt: now }).execute();
  const chatId = randomUUID();
  assert.equal(await store.write((tx) => tx.createChat({ id: chatId, userLow: low, userHigh: high, createdAt: now })), true);
  return { chatId, low, high };
}

function message(chatId: string, senderId: string, seq: number, fields: Partial<MessageRow> = {}): MessageRow {
  const id = uuidv7(now + seq);
  return {
    id,
    chatId,
    seq,
    rev: seq,
    senderId,
    clientId: id,
    text: `m${seq}`,
    replyToId: null,
    createdAt: now + seq,
    editedAt: null,
    deletedAt: null,
    changedAt: null,
    forwarded: 0,
    system: null,
    mentions: null,
    ...fields,
  };
}

/** Writes messages as a send batch does, with the chat's counters after them. */
async function sendAll(chatId: string, low: string, rows: MessageRow[]): Promise<void> {
  await store.write(async (tx) => {
    const [chat] = await tx.lockChats([chatId]);
    assert.ok(chat);
    await tx.insertMessages(rows);
    const last = rows.at(-1);
    if (last) {
      const lowSent = rows.filter((r) => r.senderId === low).length;
      await tx.updateChats(now, [
        {
          id: chatId,
          lastSeq: last.seq,
          rev: last.rev,
          revAt: last.createdAt,
          lastMessageId: last.id,
          lowSent,
          highSent: rows.length - lowSent,
        },
      ]);
    }
  });
}

describe(`chat store (${engine})`, () => {
  test("a pair's chat is made once, with both members; its standing says whether the pair is connected", async () => {
    const { chatId, low, high } = await pair();
    assert.equal(await store.write((tx) => tx.createChat({ id: randomUUID(), userLow: low, userHigh: high, createdAt: now })), false);
    await store.read(async (tx) => {
      assert.equal(await tx.chatOfPair(low, high), chatId);
      assert.equal(await tx.pairConnected(low, high), true);
      assert.deepEqual(await tx.chat(chatId), {
        id: chatId,
        userLow: low,
        userHigh: high,
        createdAt: now,
        lastSeq: 0,
        rev: 0,
        revAt: 0,
        lastMessageId: null,
        kind: "direct",
        activityAt: null,
        minDeliveredSeq: 0,
        minSeenSeq: 0,
        lowSent: 0,
        highSent: 0,
      });
      assert.equal((await tx.standing(chatId))?.connected, true);
      assert.deepEqual((await tx.membersOf(chatId, [low, randomUUID()]))[0], {
        ...{ chatId, userId: low, deliveredSeq: 0, seenSeq: 0, peerSeen: 0, activityAt: now },
        ...{ role: null, fromSeq: 0, leftSeq: null, leftRev: null },
      });
      assert.equal(await tx.chat(randomUUID()), undefined);
    });
    await database.db.deleteFrom("connections").where("userLow", "=", low).execute();
    await store.read(async (tx) => {
      assert.equal(await tx.pairConnected(low, high), false);
      assert.equal((await tx.standing(chatId))?.connected, false);
    });
    const [locked] = await store.write((tx) => tx.lockChats([chatId]));
    assert.equal(locked?.connected, false);
  });

  test("a batch inserts its messages once, moves the chat's counters (what each member sent) and so the other member's unread", async () => {
    const { chatId, low, high } = await pair();
    const rows = [message(chatId, low, 1), message(chatId, high, 2), message(chatId, low, 3)];
    await sendAll(chatId, low, rows);
    await store.read(async (tx) => {
      assert.deepEqual(await tx.chat(chatId), {
        id: chatId,
        userLow: low,
        userHigh: high,
        createdAt: now,
        lastSeq: 3,
        rev: 3,
        revAt: rows[2]?.createdAt,
        lastMessageId: rows[2]?.id ?? null,
        kind: "direct",
        activityAt: now,
        minDeliveredSeq: 0,
        minSeenSeq: 0,
        lowSent: 2,
        highSent: 1,
      });
      assert.equal((await tx.chatView(low, chatId))?.unread, 1);
      assert.equal((await tx.chatView(high, chatId))?.unread, 2);
      // No member row is written by a send.
      assert.deepEqual(
        (await tx.membersOf(chatId, [low, high])).map((m) => m.peerSeen),
        [0, 0],
      );
      assert.deepEqual(await tx.message(rows[1]?.id ?? ""), rows[1]);
      assert.equal(await tx.chatIdOf(rows[0]?.id ?? ""), chatId);
    });
    const keys = rows.map((r) => ({ senderId: r.senderId, clientId: r.clientId }));
    const earlier = await store.write((tx) => tx.earlier([...keys, { senderId: low, clientId: randomUUID() }]));
    assert.deepEqual(earlier.map((r) => r.id).sort(), rows.map((r) => r.id).sort());
    // The same (sender, client id) again fails the transaction, whatever its id; so does one left unawaited.
    await assert.rejects(store.write((tx) => tx.insertMessages([{ ...message(chatId, low, 4), clientId: rows[0]?.clientId ?? "" }])));
    await assert.rejects(
      store.write(async (tx) => {
        void tx.insertMessages([{ ...message(chatId, low, 4), clientId: rows[0]?.clientId ?? "" }]);
        await Promise.resolve();
      }),
    );
    assert.equal((await store.read((tx) => tx.history(chatId, low, {}, 10, { group: false, hidden: true }))).length, rows.length);
  });

  test("a history page's JSON, written by the database, is what renderMessages makes of the same rows: text, replies, attachments, reactions, system lines, deletions", async () => {
    const { chatId, low, high } = await pair();
    const text = 'a "quote", a \\ backslash, a\nnew line, a\ttab, \u0001, é, 😀, </script>';
    const plain = [1, 2].map((seq) => message(chatId, high, seq));
    const first = message(chatId, low, 3, { text, mentions: JSON.stringify([high]), forwarded: 1, editedAt: now + 10 });
    const rows = [
      ...plain,
      first,
      message(chatId, high, 4),
      message(chatId, low, 5, { replyToId: first.id }),
      message(chatId, low, 6, { text: null, deletedAt: now + 20 }),
      message(chatId, low, 7, { text: null, system: JSON.stringify({ event: "renamed", name: "Trip", actor: { id: low, name: "Low" } }) }),
    ];
    await sendAll(chatId, low, rows);
    // A send writes neither: an edit and a deletion for everyone do.
    await store.write(async (tx) => {
      for (const changed of [first, rows[5]!]) await tx.updateMessage({ ...changed, changedAt: now + 30 });
    });
    const attachment = (messageId: string, position: number, image: boolean) => {
      const id = randomUUID();
      return {
        ...{ id, chatId, uploaderId: low, messageId, position, kind: image ? ("image" as const) : ("file" as const), name: `f${position}` },
        ...{ mime: image ? "image/png" : "text/plain", size: 10 + position, width: image ? 4 : null, height: image ? 3 : null },
        ...{ storageKey: id, thumbKey: image ? `${id}.thumb` : null, createdAt: now },
      };
    };
    const carrying = rows[3]!.id;
    await database.db
      .insertInto("attachments")
      .values([attachment(carrying, 1, false), attachment(carrying, 0, true), attachment(rows[5]!.id, 0, false)])
      .execute();
    await database.db
      .insertInto("reactions")
      .values([
        { messageId: first.id, userId: high, emoji: "👍", createdAt: now + 2 },
        { messageId: first.id, userId: low, emoji: "🎉", createdAt: now + 1 },
      ])
      .execute();
    const selector = { by: "seqRange" as const, chatId, from: 1, to: 7 };
    const { page, bare, expected } = await store.read(async (tx) => {
      const read = await tx.history(chatId, low, {}, 10, { group: false, hidden: false });
      const messageRows = await Promise.all(rows.map(async (r) => (await tx.message(r.id)) ?? assert.fail("no row")));
      return {
        page: await renderHistory(tx, read, selector),
        bare: await renderHistory(tx, await tx.history(chatId, low, { before: 3 }, 10, { group: false, hidden: false }), { ...selector, to: 2 }),
        expected: await renderMessages(tx, messageRows, selector),
      };
    });
    assert.deepEqual(
      page.map((json) => JSON.parse(json) as unknown),
      expected,
    );
    assert.deepEqual(
      bare.map((json) => JSON.parse(json) as unknown),
      expected.slice(0, 2),
    );
    // The parts of the answer that were filled in, as renderMessages fills them.
    assert.deepEqual(
      expected.map((m) => [m.attachments.map((a) => a.name), m.reactions.map((r) => r.emoji), m.replyTo?.id ?? null, m.system?.event ?? null]),
      [
        [[], [], null, null],
        [[], [], null, null],
        [[], ["🎉", "👍"], null, null],
        [["f0", "f1"], [], null, null],
        [[], [], first.id, null],
        [[], [], null, null],
        [[], [], null, "renamed"],
      ],
    );
  });

  test("history pages run oldest first: the newest, before a seq, after a seq", async () => {
    const { chatId, low } = await pair();
    await sendAll(
      chatId,
      low,
      [1, 2, 3, 4, 5].map((seq) => message(chatId, low, seq)),
    );
    const seqs = (rows: { seq: number }[]) => rows.map((r) => r.seq);
    await store.read(async (tx) => {
      assert.deepEqual(seqs(await tx.history(chatId, chatId, {}, 2, { group: false, hidden: true })), [4, 5]);
      assert.deepEqual(seqs(await tx.history(chatId, chatId, { before: 4 }, 2, { group: false, hidden: true })), [2, 3]);
      assert.deepEqual(seqs(await tx.history(chatId, chatId, { after: 1 }, 2, { group: false, hidden: true })), [2, 3]);
      assert.deepEqual(seqs(await tx.history(randomUUID(), chatId, {}, 2, { group: false, hidden: true })), []);
    });
  });

  test("a send claims its attachments; a message shows them, its reactions and what it replies to", async () => {
    const { chatId, low, high } = await pair();
    const attachmentId = randomUUID();
    const shown = { kind: "image", name: "a.webp", mime: "image/webp", size: 10, width: 2, height: 3, thumbKey: "attachments/t.webp" } as const;
    await database.db
      .insertInto("attachments")
      .values({ id: attachmentId, chatId, uploaderId: low, messageId: null, position: 0, ...shown, storageKey: "attachments/a.webp", createdAt: now })
      .execute();
    const original = message(chatId, low, 1);
    const reply = message(chatId, high, 2, { replyToId: original.id });
    await sendAll(chatId, low, [original, reply]);
    assert.deepEqual(await store.write((tx) => tx.attachments([attachmentId, randomUUID()])), [
      { id: attachmentId, chatId, uploaderId: low, messageId: null, position: 0, ...shown },
    ]);
    await store.write((tx) => tx.linkAttachments([{ id: attachmentId, messageId: original.id, position: 0 }]));

    assert.equal(await store.write((tx) => tx.setReaction({ messageId: original.id, userId: high, emoji: "👍", createdAt: now })), true);
    assert.equal(await store.write((tx) => tx.setReaction({ messageId: original.id, userId: high, emoji: "👍", createdAt: now + 1 })), false);
    assert.equal(await store.write((tx) => tx.setReaction({ messageId: original.id, userId: low, emoji: "🎉", createdAt: now + 2 })), true);

    const byChat = { by: "seqRange", chatId, from: 1, to: 2 } as const;
    await store.read(async (tx) => {
      assert.deepEqual(await tx.attachmentsOf(byChat), [{ id: attachmentId, chatId, uploaderId: low, messageId: original.id, position: 0, ...shown }]);
      assert.deepEqual(await tx.reactionsOf({ by: "id", id: original.id }), [
        { messageId: original.id, userId: high, emoji: "👍", createdAt: now },
        { messageId: original.id, userId: low, emoji: "🎉", createdAt: now + 2 },
      ]);
      assert.deepEqual(await tx.repliedTo({ by: "id", id: reply.id }), [{ ...original, kind: "image" }]);
      assert.deepEqual(await tx.replyTargets([original.id]), [{ ...original, kind: "image" }]);
    });

    assert.equal(await store.write((tx) => tx.removeReaction(original.id, high)), true);
    assert.equal(await store.write((tx) => tx.removeReaction(original.id, high)), false);
    await store.write((tx) => tx.removeReactions(original.id));
    assert.deepEqual(await store.read((tx) => tx.reactionsOf(byChat)), []);
  });

  test("a change rewrites the message with the chat's next rev; SYNC finds new and changed messages after a rev", async () => {
    const { chatId, low } = await pair();
    const rows = [1, 2, 3].map((seq) => message(chatId, low, seq));
    await sendAll(chatId, low, rows);
    const edited = { ...(rows[0] as MessageRow), text: "edited", editedAt: now + 10, rev: 4, changedAt: now + 10 };
    await store.write(async (tx) => {
      await tx.updateMessage(edited);
      await tx.setChatRev(chatId, 4, now + 10);
    });
    const [locked] = await store.write((tx) => tx.lockChats([chatId]));
    assert.deepEqual([locked?.rev, locked?.revAt], [4, now + 10], "the writer that locks the chat next reads when its rev last moved");
    await store.read(async (tx) => {
      assert.deepEqual(await tx.message(edited.id), edited);
      const changes = { chatId, rev: 2, lastSeq: 3, chatRev: 4 };
      assert.deepEqual(
        (await tx.changedMessages(changes, chatId)).map((r) => [r.seq, r.rev]),
        [
          [3, 3],
          [1, 4],
        ],
      );
      assert.equal((await tx.attachmentsOf({ by: "changes", changes })).length, 0);
    });
  });

  test("receipts and unread; a member's chats as they see them, latest first", async () => {
    const { chatId, low, high } = await pair();
    const empty = await pair();
    await sendAll(chatId, low, [message(chatId, high, 1), message(chatId, high, 2), message(chatId, low, 3)]);
    await store.write(async (tx) => {
      assert.equal(await tx.othersBetween(chatId, 0, 1, low), 1);
      assert.equal(await tx.othersBetween(chatId, 0, 3, low), 2);
      assert.equal(await tx.othersBetween(chatId, 1, 3, low), 1);
      await tx.setReceipts(chatId, [{ userId: low, deliveredSeq: 3, seenSeq: 1, peerSeen: 1 }]);
    });
    await store.read(async (tx) => {
      const view = await tx.chatView(high, chatId);
      assert.ok(view);
      assert.equal(view.connected, true);
      assert.deepEqual([view.peerId, view.theirDeliveredSeq, view.theirSeenSeq, view.unread, view.lastSeq], [low, 3, 1, 1, 3]);
      // Low saw high's first message: high's second is what is left unread for low.
      assert.equal((await tx.chatView(low, chatId))?.unread, 1);
      assert.equal(await tx.chatView(empty.low, chatId), undefined);
      assert.deepEqual(
        (await tx.chatViewsBefore(low, Number.MAX_SAFE_INTEGER, 10)).map((c) => c.id),
        [chatId],
      );
      assert.deepEqual(
        (await tx.chatViewsAt(low, now)).map((c) => c.id),
        [chatId],
      );
      assert.deepEqual(
        (await tx.changedChatViews(low)).map((c) => c.id),
        [chatId],
      );
      assert.deepEqual(await tx.changedChatViews(empty.low), []);
    });
  });

  test("a write that throws leaves nothing behind", async () => {
    const { chatId, low } = await pair();
    await assert.rejects(
      store.write(async (tx) => {
        await tx.insertMessages([message(chatId, low, 1)]);
        throw new Error("no");
      }),
      /no/,
    );
    assert.deepEqual(await store.read((tx) => tx.history(chatId, chatId, {}, 10, { group: false, hidden: true })), []);
  });
});

describe("device receipts", () => {
  test("a device's latest watermarks; each reader device's first advance at or past a seq, delivered and seen, named from its session", async () => {
    const { chatId, low, high } = await pair();
    await database.db
      .insertInto("authSessions")
      .values({
        id: `${high}-phone`,
        userId: high,
        createdAt: now,
        expiresAt: now + 1e9,
        lastUsedAt: now,
        revokedAt: null,
        revokedReason: null,
        deviceName: "Phone",
        devicePlatform: "iOS",
      })
      .execute();
    const advances = [
      { sessionId: `${high}-phone`, deliveredSeq: 2, seenSeq: 0, at: 100 },
      { sessionId: `${high}-phone`, deliveredSeq: 5, seenSeq: 0, at: 200 },
      { sessionId: `${high}-phone`, deliveredSeq: 5, seenSeq: 4, at: 300 },
      { sessionId: `${high}-desk`, deliveredSeq: 6, seenSeq: 6, at: 250 },
      { sessionId: `${low}-own`, deliveredSeq: 6, seenSeq: 6, at: 50 },
    ];
    await store.write(async (tx) => {
      await tx.addDeviceReceipts(advances.map((a) => ({ chatId, userId: a.sessionId.startsWith(low) ? low : high, ...a })));
    });
    await store.read(async (q) => {
      const latest = await q.deviceMarksOf(chatId, [`${high}-phone`, `${high}-desk`, "never"]);
      assert.deepEqual(latest.get(`${high}-phone`), { deliveredSeq: 5, seenSeq: 4 });
      assert.deepEqual(latest.get(`${high}-desk`), { deliveredSeq: 6, seenSeq: 6 });
      assert.equal(latest.has("never"), false);
      const seen = async (seq: number) =>
        (await q.devicesReaching(chatId, high, seq)).map((r) => [r.sessionId, r.deliveredAt, r.readAt, r.deviceName, r.known]);
      assert.deepEqual(await seen(3), [
        [`${high}-phone`, 200, 300, "Phone", true],
        [`${high}-desk`, 250, 250, null, false],
      ]);
      assert.deepEqual(
        await seen(5),
        [
          [`${high}-phone`, 200, null, "Phone", true],
          [`${high}-desk`, 250, 250, null, false],
        ],
        "seen 4 is short of 5",
      );
      assert.deepEqual(await seen(6), [[`${high}-desk`, 250, 250, null, false]]);
      assert.deepEqual(await seen(7), []);
      assert.deepEqual(
        (await q.devicesReaching(chatId, low, 1)).map((r) => r.sessionId),
        [`${low}-own`],
        "each member's devices apart",
      );
    });
  });
});
