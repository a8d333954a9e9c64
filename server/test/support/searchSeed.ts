// A search corpus for the bench: many people, each in a few 1-1 chats, and a million messages of
// words drawn with a Zipf-like skew (a few very common words, a long tail of rare ones). Written
// straight into the database a server process will use, before it starts.
import { randomUUID } from "node:crypto";
import { uuidv7 } from "@easyqr/protocol";
import { pino } from "pino";
import { pairOf } from "../../src/access/checks.ts";
import { defaultAuthLimits } from "../../src/auth/limits.ts";
import { SessionService } from "../../src/auth/sessions.ts";
import { accessTokens } from "../../src/auth/tokens.ts";
import { systemClock } from "../../src/clock.ts";
import * as messageSearch from "../../src/db/migrations/0021_postgres_search_behind_writes.ts";
import type { Database } from "../../src/db/database.ts";
import { withDatabase } from "./seed.ts";

export type SearchCorpus = { messages: number; chats: number; indexSeconds: number; insertSeconds: number; searcherTokens: string[] };

/** Words by rank: the first are everyday words, then made-up ones (a long tail), so rank says how common a word is. */
export function corpusWords(count = 30_000): string[] {
  const everyday =
    "the you and hello meeting tomorrow thanks today dinner call later weekend coffee please photo train office lunch tonight birthday movie".split(" ");
  const syllables = ["ka", "lo", "mi", "ren", "tu", "sa", "vo", "ni", "pel", "dor", "qui", "zan", "be", "rho", "ly", "gat"];
  const words = [...everyday];
  for (let i = 0; words.length < count; i++) {
    let n = i;
    let word = "";
    do {
      word += syllables[n % syllables.length];
      n = Math.floor(n / syllables.length);
    } while (n > 0 || word.length < 5);
    words.push(word);
  }
  return words;
}

/** A small seeded generator (mulberry32): the same corpus every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `messages` messages over chats between `users` (each user starts a chat with the next
 * `chatsPerUser` users, so everyone is in about twice that many), written in time order across
 * chats, then the search index built by migration 0015's own backfill.
 */
export function seedSearchCorpus(env: Record<string, string>, users: string[], messages: number, searchers = 20, chatsPerUser = 5): Promise<SearchCorpus> {
  return withDatabase(env, async (database, secret) => {
    const { db } = database;
    const now = Date.now();
    const start = now - messages;
    const chats: { id: string; members: [string, string] }[] = [];
    for (let i = 0; i < users.length; i++)
      for (let k = 1; k <= chatsPerUser && k < users.length; k++) chats.push({ id: randomUUID(), members: [users[i]!, users[(i + k) % users.length]!] });
    const perChat = Math.ceil(messages / chats.length);
    const chatRows = chats.map(({ id, members: [a, b] }) => ({ id, ...pairOf(a, b), createdAt: start, lastSeq: perChat, rev: perChat, lastMessageId: null }));
    const members = chats.flatMap(({ id, members }) =>
      members.map((userId) => ({
        chatId: id,
        userId,
        deliveredSeq: perChat,
        seenSeq: perChat,
        unread: 0,
        activityAt: now,
        pinnedAt: null,
        archivedAt: null,
        mutedUntil: null,
        markedUnread: 0,
        settingsRev: 0,
      })),
    );
    for (let i = 0; i < chatRows.length; i += 500)
      await db
        .insertInto("chats")
        .values(chatRows.slice(i, i + 500))
        .onConflict((c) => c.doNothing())
        .execute();
    for (let i = 0; i < members.length; i += 500)
      await db
        .insertInto("chatMembers")
        .values(members.slice(i, i + 500))
        .onConflict((c) => c.doNothing())
        .execute();

    // The index is dropped and built again once the rows are in: that is the migration's backfill, and faster than keeping it row by row.
    await messageSearch.dropIndex(db);
    const words = corpusWords();
    const next = random(42);
    const logV = Math.log(words.length + 1);
    const text = () => {
      const length = 3 + Math.floor(next() * 10);
      const picked: string[] = [];
      for (let w = 0; w < length; w++) picked.push(words[Math.floor(Math.exp(next() * logV)) - 1]!);
      return picked.join(" ");
    };
    const began = performance.now();
    const chunk = 20_000;
    for (let from = 0; from < chats.length * perChat && from < messages; from += chunk) {
      const rows: Row[] = [];
      for (let k = from; k < Math.min(from + chunk, messages); k++) {
        const chat = chats[k % chats.length]!;
        const seq = Math.floor(k / chats.length) + 1;
        const createdAt = start + k;
        rows.push([uuidv7(createdAt), chat.id, seq, seq, chat.members[seq % 2]!, randomUUID(), text(), createdAt]);
      }
      await insertRows(database, rows);
    }
    const insertSeconds = (performance.now() - began) / 1000;
    const indexing = performance.now();
    await messageSearch.buildIndex(db);
    const indexSeconds = (performance.now() - indexing) / 1000;
    const { raw } = database;
    if (raw.engine === "postgres") await raw.pool.query("analyze");
    // Access tokens last 15 minutes: the searchers' are made once the corpus is in.
    const sessions = new SessionService(db, accessTokens(secret, systemClock), systemClock, defaultAuthLimits, pino({ level: "silent" }));
    const searcherTokens = [];
    for (const userId of users.slice(0, searchers)) searcherTokens.push((await sessions.create(userId, { name: "bench", platform: "node" })).accessToken);
    return { messages, chats: chats.length, indexSeconds, insertSeconds, searcherTokens };
  });
}

type Row = [id: string, chatId: string, seq: number, rev: number, senderId: string, clientId: string, text: string, createdAt: number];

async function insertRows(database: Database, rows: Row[]): Promise<void> {
  const { raw } = database;
  if (raw.engine === "sqlite") {
    const insert = raw.file.prepare("insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)");
    raw.file.transaction(() => rows.forEach((row) => insert.run(...row)))();
    return;
  }
  const columns = rows[0]?.map((_, i) => rows.map((row) => row[i])) ?? [];
  await raw.pool.query(
    `insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at)
     select * from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bigint[])`,
    columns,
  );
}
