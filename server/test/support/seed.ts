// Users, sign-in sessions and connections written with the server's own code straight into the
// database a server process will use, before it starts: far faster than signing in by code over
// HTTP (whose per-IP limits would stop a bench), and the access tokens are the real thing.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { pino } from "pino";
import { pairOf } from "../../src/access/checks.ts";
import { defaultAuthLimits } from "../../src/auth/limits.ts";
import { SessionService } from "../../src/auth/sessions.ts";
import { accessTokens } from "../../src/auth/tokens.ts";
import { systemClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { openDatabase, type Database } from "../../src/db/database.ts";
import { newUserRow } from "../../src/users/rows.ts";

export type SeededUser = { id: string; username: string; accessToken: string };

export async function withDatabase<T>(env: Record<string, string>, work: (database: Database, secret: string) => Promise<T>): Promise<T> {
  const config = loadConfig({ LOG_LEVEL: "silent", ...env });
  const database = await openDatabase(config);
  try {
    return await work(database, config.secret);
  } finally {
    await database.close();
  }
}

/**
 * `count` onboarded users, each with one sign-in session. With `connectPairs`, users 2i and
 * 2i+1 are connections (the only people who may chat).
 */
export function seedUsers(env: Record<string, string>, count: number, options: { prefix?: string; connectPairs?: boolean } = {}): Promise<SeededUser[]> {
  const prefix = options.prefix ?? "seed";
  return withDatabase(env, async ({ db }, secret) => {
    const now = Date.now();
    const rows = Array.from({ length: count }, (_, i) =>
      newUserRow({ email: `${prefix}${i}@seed.invalid`, username: `${prefix}${i}`, usernameKey: `${prefix}${i}`, name: `${prefix} ${i}` }, now),
    );
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto("users")
        .values(rows.slice(i, i + 500))
        .execute();
    if (options.connectPairs) {
      const pairs = [];
      for (let i = 0; i + 1 < rows.length; i += 2) pairs.push({ ...pairOf(rows[i]!.id, rows[i + 1]!.id), createdAt: now });
      for (let i = 0; i < pairs.length; i += 500)
        await db
          .insertInto("connections")
          .values(pairs.slice(i, i + 500))
          .execute();
    }
    const sessions = new SessionService(db, accessTokens(secret, systemClock), systemClock, defaultAuthLimits, pino({ level: "silent" }));
    const users: SeededUser[] = [];
    for (let i = 0; i < rows.length; i += 50) {
      const batch = rows.slice(i, i + 50);
      const tokens = await Promise.all(batch.map((row) => sessions.create(row.id, { name: "seed", platform: "node" })));
      batch.forEach((row, j) => users.push({ id: row.id, username: row.username ?? "", accessToken: tokens[j]!.accessToken }));
    }
    return users;
  });
}

export type SeededChat = { chatId: string; userLow: string; userHigh: string; count: number };

/**
 * A chat between two connected users holding `count` messages (seq 1…count, senders taking
 * turns), made by one INSERT … SELECT inside the database: a million rows take seconds.
 */
export function seedChatHistory(env: Record<string, string>, a: string, b: string, count: number): Promise<SeededChat> {
  return withDatabase(env, async ({ db, engine }) => {
    const { userLow, userHigh } = pairOf(a, b);
    const chatId = randomUUID();
    const now = Date.now();
    const start = now - count;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("chats").values({ id: chatId, userLow, userHigh, createdAt: start, lastSeq: count, rev: count, lastMessageId: null }).execute();
      await trx
        .insertInto("chatMembers")
        .values(
          [userLow, userHigh].map((userId) => ({
            chatId,
            userId,
            deliveredSeq: count,
            seenSeq: count,
            unread: 0,
            activityAt: now,
            markedUnread: 0,
            settingsRev: 0,
            pinnedAt: null,
            hidden: 0,
            archivedAt: null,
            mutedUntil: null,
          })),
        )
        .execute();
      // Ids keep the UUID shape: the chat's first 8 hex digits, then the seq.
      const tag = chatId.slice(0, 8);
      if (engine === "postgres") {
        await sql`
          insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at)
          select ${tag} || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'), ${chatId}, n, n,
                 case when n % 2 = 0 then ${userLow} else ${userHigh} end, 'seed-' || n, 'history message number ' || n, ${start}::bigint + n
          from generate_series(1, ${count}::int) as n`.execute(trx);
      } else {
        await sql`
          with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
          insert into messages (id, chat_id, seq, rev, sender_id, client_id, text, created_at)
          select ${tag} || '-0000-4000-8000-' || printf('%012x', i), ${chatId}, i, i,
                 case when i % 2 = 0 then ${userLow} else ${userHigh} end, 'seed-' || i, 'history message number ' || i, ${start} + i
          from n`.execute(trx);
      }
      await trx
        .updateTable("chats")
        .set({ lastMessageId: `${tag}-0000-4000-8000-${count.toString(16).padStart(12, "0")}` })
        .where("id", "=", chatId)
        .execute();
    });
    if (engine === "postgres") await sql`analyze messages`.execute(db);
    return { chatId, userLow, userHigh, count };
  });
}
