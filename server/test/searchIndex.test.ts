import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { SearchPage } from "@easyqr/protocol";
import type SQLite from "better-sqlite3";
import type pg from "pg";
import { call } from "./support/api.ts";
import { chatPair, request, roomyChatLimits, send } from "./support/chat.ts";
import { ok } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";

// SQLite indexes new messages for search a moment after their commit (migration 0018,
// db/searchIndex.ts). PostgreSQL's GIN index takes them in the commit, into its pending list, which
// is merged into the index a moment later (db/searchPendingMerge.ts).
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

  test("a sent message is indexed after its commit, not in it, and a search right away still finds it", async () => {
    const { a, chat, socketA } = await chatPair(server, "sidx");
    const word = unique("heron");
    const sent = await send(socketA, chat.id, `a ${word} by the river`);
    assert.ok(rowidOf(sent.id) > progress(), "acked before it was indexed");
    assert.deepEqual(indexedRowids(word), []);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, word), [sent.id]);
    assert.ok(progress() >= rowidOf(sent.id));
    assert.deepEqual(indexedRowids(word), [rowidOf(sent.id)]);
  });

  test("without a search, the indexer takes new messages within moments", async () => {
    const { chat, socketA } = await chatPair(server, "sidx");
    const word = unique("egret");
    const sent = await send(socketA, chat.id, `an ${word}`);
    for (let i = 0; i < 50 && indexedRowids(word).length === 0; i++) await sleep(20);
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

describe("PostgreSQL's search pending list merged behind the writes", { skip: !process.env.DATABASE_URL && "PostgreSQL only" }, () => {
  let server: TestServer;
  let pool: pg.Pool;
  before(async () => {
    server = await startSearchServer();
    const raw = server.app.database.raw;
    assert.equal(raw.engine, "postgres");
    if (raw.engine === "postgres") pool = raw.pool;
    // pgstattuple reads the pending list's size; another test run may be creating it at the same moment.
    await pool.query("create extension if not exists pgstattuple schema public").catch(() => undefined);
  });
  after(() => server.close());

  const pendingTuples = async () =>
    Number(
      (await pool.query<{ pending: string }>("select pending_tuples as pending from public.pgstatginindex('messages_chat_search'::regclass)")).rows[0]?.pending,
    );

  test("a sent message's search entries leave the pending list within moments, without waiting for it to fill", async () => {
    const { a, chat, socketA } = await chatPair(server, "pgidx");
    const word = `grebe${Math.random().toString(36).slice(2, 8)}`;
    const sent = await send(socketA, chat.id, `a ${word}`);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, word), [sent.id], "found at once, from the pending list or the index");
    const deadline = Date.now() + 5_000;
    // One message is far below gin_pending_list_limit: without the merge its entries would stay pending.
    while ((await pendingTuples()) > 0 && Date.now() < deadline) await sleep(50);
    assert.equal(await pendingTuples(), 0);
    assert.deepEqual(await hitsOf(server, a.tokens.accessToken, word), [sent.id], "found in the index");
  });
});
