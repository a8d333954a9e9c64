import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { SearchPage } from "@easyqr/protocol";
import type SQLite from "better-sqlite3";
import type pg from "pg";
import { indexRun } from "../src/db/searchIndexPostgres.ts";
import { call } from "./support/api.ts";
import { chatPair, request, roomyChatLimits, send } from "./support/chat.ts";
import { ok } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

// Both engines index new messages for search a moment after their commit: SQLite from a mark
// (migration 0018, db/searchIndex.ts), PostgreSQL from a queue (0021, db/searchIndexPostgres.ts).
/** A server whose limits let a test sign up and chat as much as it needs. */
const startSearchServer = () =>
  startServer({ authLimits: { sendsPerIp: 10_000 }, contactLimits: { qrIssuesPerUser: 1000, requestsPerUser: 1000 }, chatLimits: roomyChatLimits });

/** The message ids a search by `token` finds. */
const hitsOf = async (server: TestServer, token: string, q: string) =>
  ok(await call(server, "GET", `/api/search/messages?${new URLSearchParams({ q }).toString()}`, { token }), SearchPage).hits.map((h) => h.messageId);

describe("SQLite's search index behind the writes", { skip: Boolean(process.env.DATABASE_URL) && "SQLite only" }, () => {
  let server: TestServer;
  let file: SQLite.Database;
  before(async () => {
    server = await startSearchServer();
    const raw = server.app.database.raw;
    assert.equal(raw.engine, "sqlite");
    if (raw.engine === "sqlite") file = raw.file;
  });
  after(() => server.close());

  const unique = (base: string) => `${base}${Math.random().toString(36).slice(2, 8)}`;
  const progress = () => file.prepare("select upto from message_search_progress").pluck().get() as number;
  const rowidOf = (messageId: string) => file.prepare("select rowid from messages where id = ?").pluck().get(messageId) as number;
  /** What the index itself holds for a word, without a search's catch-up. */
  const indexedRowids = (word: string) =>
    file.prepare("select rowid from messages_chat_search where messages_chat_search match ?").pluck().all(`text : "${word}"`) as number[];
  const integrityCheck = () => file.prepare("insert into messages_chat_search (messages_chat_search, rank) values ('integrity-check', 1)").run();

  test("without a search, the indexer takes new messages within moments", async () => {
    const { chat, socketA } = await chatPair(server, "sidx");
    const word = unique("egret");
    const sent = await send(socketA, chat.id, `an ${word}`);
    for (let i = 0; i < 50 && indexedRowids(word).length === 0; i++) await sleep(20);
    assert.deepEqual(indexedRowids(word), [rowidOf(sent.id)]);
  });

  test("a sent message is indexed after its commit, not in it, and a search right away still finds it", async () => {
    // From here on only a search indexes: the indexer's run 100 ms after a commit could otherwise come before a check on a loaded machine.
    await server.app.database.raw.search.stop();
    const { a, chat, socketA } = await chatPair(server, "sidx");
    const word = unique("heron");
    const sent = await send(socketA, chat.id, `a ${word} by the river`);
    assert.ok(rowidOf(sent.id) > progress(), "acked before it was indexed");
    assert.deepEqual(indexedRowids(word), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, word), [sent.id]);
    assert.ok(progress() >= rowidOf(sent.id));
    assert.deepEqual(indexedRowids(word), [rowidOf(sent.id)]);
  });

  test("an edit or delete before the message was indexed leaves only what is current, and the index stays whole", async () => {
    const { a, chat, socketA } = await chatPair(server, "sidx");
    const [before, edited, gone] = [unique("plover"), unique("avocet"), unique("curlew")];
    const changed = await send(socketA, chat.id, `the ${before}`);
    const deleted = await send(socketA, chat.id, `the ${gone}`);
    assert.ok(rowidOf(deleted.id) > progress());
    await request(socketA, { type: "EDIT", messageId: changed.id, text: `the ${edited}` });
    await request(socketA, { type: "DELETE", messageId: deleted.id });
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, before), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, gone), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, edited), [changed.id]);
    assert.deepEqual(indexedRowids(edited), [rowidOf(changed.id)]);
    integrityCheck();
  });

  test("an edit after the message was indexed takes the old words out of the index", async () => {
    const { a, chat, socketA } = await chatPair(server, "sidx");
    const [first, second] = [unique("dunlin"), unique("knot")];
    const sent = await send(socketA, chat.id, `a ${first}`);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, first), [sent.id]);
    await request(socketA, { type: "EDIT", messageId: sent.id, text: `a ${second}` });
    assert.deepEqual(indexedRowids(first), [], "taken out in the edit's own commit");
    assert.deepEqual(indexedRowids(second), [rowidOf(sent.id)]);
    integrityCheck();
  });

  test("a message that gets the rowid of a deleted newest message (SQLite reuses it) is indexed in its commit", async () => {
    const { a, chat, socketA } = await chatPair(server, "sidx");
    const [old, reused] = [unique("stint"), unique("ruff")];
    const newest = await send(socketA, chat.id, `the ${old}`);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, old), [newest.id]);
    const rowid = rowidOf(newest.id);
    assert.equal(progress(), rowid);
    // As a deleted account's messages go (ON DELETE CASCADE), while nothing else is written.
    file.prepare("delete from messages where id = ?").run(newest.id);
    assert.deepEqual(indexedRowids(old), []);
    const next = await send(socketA, chat.id, `the ${reused}`);
    assert.equal(rowidOf(next.id), rowid, "SQLite gave the new message the deleted one's rowid");
    assert.deepEqual(indexedRowids(reused), [rowid]);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, reused), [next.id]);
    integrityCheck();
  });
});

describe("PostgreSQL's search index behind the writes", { skip: !process.env.DATABASE_URL && "PostgreSQL only" }, () => {
  let server: TestServer;
  let pool: pg.Pool;
  before(async () => {
    server = await startSearchServer();
    const raw = server.app.database.raw;
    assert.equal(raw.engine, "postgres");
    if (raw.engine === "postgres") pool = raw.pool;
  });
  after(() => server.close());

  const unique = (base: string) => `${base}${Math.random().toString(36).slice(2, 8)}`;
  /** The message ids `message_search` itself holds for a word, without a search's catch-up. */
  const indexedIds = async (word: string) =>
    (await pool.query<{ id: string }>("select message_id as id from message_search where doc @@ to_tsquery('simple', $1)", [word])).rows
      .map((r) => r.id)
      .sort();
  const queued = async (messageId: string) =>
    Number((await pool.query<{ n: number }>("select count(*) as n from message_search_queue where message_id = $1", [messageId])).rows[0]?.n);
  /** Every node's background indexer stopped: what is indexed from here on, a search's catch-up indexed. */
  const stopIndexers = async () => {
    for (const app of server.nodes) await app.database.raw.search.stop();
  };

  test("without a search, the indexer takes new messages within moments, and the queue empties", async () => {
    const { chat, socketA } = await chatPair(server, "pgidx");
    const word = unique("egret");
    const sent = await send(socketA, chat.id, `an ${word}`);
    for (let i = 0; i < 100 && (await indexedIds(word)).length === 0; i++) await sleep(20);
    assert.deepEqual(await indexedIds(word), [sent.id]);
    assert.equal(await queued(sent.id), 0);
  });

  test("a sent message is queued in its commit, not indexed, and a search right away finds it", async () => {
    await stopIndexers();
    const { a, chat, socketA } = await chatPair(server, "pgidx");
    const word = unique("heron");
    const sent = await send(socketA, chat.id, `a ${word} by the river`);
    assert.equal(await queued(sent.id), 1, "acked, and queued");
    assert.deepEqual(await indexedIds(word), [], "acked before it was indexed");
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, word), [sent.id]);
    assert.deepEqual(await indexedIds(word), [sent.id]);
    assert.equal(await queued(sent.id), 0);
  });

  test("an edit or delete before the message was indexed leaves only what is current", async () => {
    await stopIndexers();
    const { a, chat, socketA } = await chatPair(server, "pgidx");
    const [first, edited, gone] = [unique("plover"), unique("avocet"), unique("curlew")];
    const changed = await send(socketA, chat.id, `the ${first}`);
    const deleted = await send(socketA, chat.id, `the ${gone}`);
    await request(socketA, { type: "EDIT", messageId: changed.id, text: `the ${edited}` });
    await request(socketA, { type: "DELETE", messageId: deleted.id });
    assert.deepEqual(await indexedIds(first), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, first), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, gone), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, edited), [changed.id]);
    assert.deepEqual(await indexedIds(edited), [changed.id]);
    assert.deepEqual(await indexedIds(first), []);
    assert.deepEqual(await indexedIds(gone), [], "a message deleted before it was indexed gets no row");
  });

  test("an edit, a delete or a removal after the message was indexed takes its row out of step no longer than until the next search", async () => {
    await stopIndexers();
    const { a, chat, socketA } = await chatPair(server, "pgidx");
    const [first, second, gone, removed] = [unique("dunlin"), unique("knot"), unique("sanderling"), unique("turnstone")];
    const sent = await send(socketA, chat.id, `a ${first}`);
    const deleted = await send(socketA, chat.id, `a ${gone}`);
    const dropped = await send(socketA, chat.id, `a ${removed}`);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, first), [sent.id]);
    assert.deepEqual(await indexedIds(`${first} | ${gone} | ${removed}`), [sent.id, deleted.id, dropped.id].sort());
    await request(socketA, { type: "EDIT", messageId: sent.id, text: `a ${second}` });
    await request(socketA, { type: "DELETE", messageId: deleted.id });
    // As a deleted account's messages go (ON DELETE CASCADE).
    await pool.query("delete from messages where id = $1", [dropped.id]);
    assert.equal(await queued(sent.id), 1, "the edit queued its message again");
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, first), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, second), [sent.id]);
    assert.deepEqual(await indexedIds(`${first} | ${gone} | ${removed}`), [], "the old words, the deleted and the removed message are out");
    assert.deepEqual(await indexedIds(second), [sent.id]);
  });

  test("two nodes' runs take turns: each queued id is taken by one run, and a run waits for another's to commit", async () => {
    await stopIndexers();
    const { a, chat, socketA } = await chatPair(server, "pgidx");
    const word = unique("stint");
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) sent.push((await send(socketA, chat.id, `${word} ${i}`)).id);
    const [one, two] = [await pool.connect(), await pool.connect()];
    try {
      await one.query("begin");
      await one.query("select pg_advisory_xact_lock('message_search_queue'::regclass::oid::bigint)");
      let waited = true;
      const blocked = indexRun(two, 7).then((ids) => {
        waited = false;
        return ids;
      });
      await sleep(200);
      assert.ok(waited, "a run waits while another holds the indexer's lock");
      await one.query("commit");
      const taken = [await blocked];
      const takeAll = async (client: pg.PoolClient) => {
        for (let ids = await indexRun(client, 7); ids.length > 0; ids = await indexRun(client, 7)) taken.push(ids);
      };
      await Promise.all([takeAll(one), takeAll(two)]);
      const all = taken.flat().filter((id) => sent.includes(id));
      assert.equal(all.length, sent.length, "no id taken twice");
      assert.deepEqual([...all].sort(), [...sent].sort(), "every id taken");
    } finally {
      one.release();
      two.release();
    }
    assert.deepEqual(await indexedIds(word), [...sent].sort());
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, word), sent.slice(-20).reverse(), "a page, newest first");
  });

  test("an acked message not yet indexed when its node stops is indexed by the next node to start, without a write or a search", async () => {
    await stopIndexers();
    const { chat, socketA } = await chatPair(server, "pgidx");
    const word = unique("ruff");
    const sent = await send(socketA, chat.id, `the ${word}`);
    assert.equal(await queued(sent.id), 1);
    const restarted = await startServer({ nodeOf: server });
    try {
      for (let i = 0; i < 100 && (await indexedIds(word)).length === 0; i++) await sleep(20);
      assert.deepEqual(await indexedIds(word), [sent.id]);
    } finally {
      await restarted.close();
    }
  });
});
