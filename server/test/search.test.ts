import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { HistoryPage, SearchPage } from "@easyqr/protocol";
import { call, codeOf, type SignedIn } from "./support/api.ts";
import { chatPair, historyOf, openChat, request, roomyChatLimits, send } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, makeUsers, ok, userSocket } from "./support/contacts.ts";
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

const searchAs = (user: SignedIn, query: Record<string, string>) =>
  call(server, "GET", `/api/search/messages?${new URLSearchParams(query).toString()}`, { token: user.tokens.accessToken });

async function hits(user: SignedIn, q: string, extra: Record<string, string> = {}): Promise<SearchPage> {
  return ok(await searchAs(user, { q, ...extra }), SearchPage);
}

/** A word no other test sends, so the server's other chats never match. */
const unique = (base: string) => `${base}${Math.random().toString(36).slice(2, 8)}`;

describe("message search", () => {
  test("finds messages of one's own chats by every word or its start, newest first, with highlight ranges", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "srch");
    const word = unique("pelican");
    const first = await send(socketA, chat.id, `Look, a ${word} at the harbour`);
    await send(socketB, chat.id, "nothing to see");
    const second = await send(socketB, chat.id, `Another ${word.toUpperCase()} today!`);

    for (const user of [a, b]) {
      const page = await hits(user, word);
      assert.deepEqual(
        page.hits.map((h) => h.messageId),
        [second.id, first.id],
      );
      assert.equal(page.next, null);
      const hit = page.hits[1]!;
      assert.equal(hit.chatId, chat.id);
      assert.equal(hit.seq, first.seq);
      assert.equal(hit.senderId, a.user.id);
      const { text, highlights } = hit.snippet;
      assert.deepEqual(
        highlights.map((r) => text.slice(r.start, r.end)),
        [word],
      );
    }
    // The start of a word, any case; every word must be there.
    assert.equal((await hits(a, word.slice(0, 5).toUpperCase() + word.slice(5, 8))).hits.length >= 2, true);
    assert.deepEqual(
      (await hits(a, `${word} harbour`)).hits.map((h) => h.messageId),
      [first.id],
    );
    assert.deepEqual((await hits(a, `${word} absentword`)).hits, []);
  });

  test("an edit and a delete for everyone are reflected at once", async () => {
    const { a, chat, socketA } = await chatPair(server, "srche");
    const [before, afterEdit] = [unique("walrus"), unique("narwhal")];
    const message = await send(socketA, chat.id, `the ${before} swims`);
    assert.equal((await hits(a, before)).hits.length, 1);

    const edited = await request(socketA, { type: "EDIT", messageId: message.id, text: `the ${afterEdit} swims` });
    assert.equal(edited.error, undefined);
    assert.deepEqual((await hits(a, before)).hits, []);
    assert.deepEqual(
      (await hits(a, afterEdit)).hits.map((h) => h.messageId),
      [message.id],
    );

    // A reaction rewrites the row with the same text: still found once.
    await request(socketA, { type: "REACT", messageId: message.id, emoji: "👍" });
    assert.equal((await hits(a, afterEdit)).hits.length, 1);

    const deleted = await request(socketA, { type: "DELETE", messageId: message.id });
    assert.equal(deleted.error, undefined);
    assert.deepEqual((await hits(a, afterEdit)).hits, []);
    assert.deepEqual(
      (await hits(a, "swims")).hits.filter((h) => h.chatId === chat.id),
      [],
    );
  });

  test("a message deleted for me is gone from my search, and only from mine", async () => {
    const { a, b, chat, socketA } = await chatPair(server, "srchh");
    const word = unique("pelican");
    const message = await send(socketA, chat.id, `a ${word} landed`);
    const hidden = await request(socketA, { type: "HIDE", messageId: message.id });
    assert.equal(hidden.error, undefined);
    assert.deepEqual((await hits(a, word)).hits, []);
    assert.deepEqual(
      (await hits(b, word)).hits.map((h) => h.messageId),
      [message.id],
    );
  });

  test("another person's chat never appears", async () => {
    const word = unique("secret");
    const mine = await chatPair(server, "srchm");
    const theirs = await chatPair(server, "srcht");
    await send(theirs.socketA, theirs.chat.id, `${word} between them`);
    const own = await send(mine.socketA, mine.chat.id, `${word} between us`);
    for (const user of [mine.a, mine.b]) {
      assert.deepEqual(
        (await hits(user, word)).hits.map((h) => h.messageId),
        [own.id],
      );
    }
    assert.equal((await hits(theirs.b, word)).hits.length, 1);
    assert.equal((await searchAs(mine.a, { q: word })).status, 200);
    const signedOut = await call(server, "GET", `/api/search/messages?q=${word}`);
    assert.equal(signedOut.status, 401);
  });

  test("a person in several chats finds each chat's hits, newest first across them, and no other chat's, even one whose text names their chat", async () => {
    const [a, b, c, d, stranger] = (await makeUsers(server, 5, "srchn")) as [SignedIn, SignedIn, SignedIn, SignedIn, SignedIn];
    const word = unique("gannet");
    const sockets = new Map<SignedIn, TestSocket>();
    const socketOf = async (user: SignedIn) => sockets.get(user) ?? sockets.set(user, await userSocket(server, user)).get(user)!;
    const chats = [];
    for (const peer of [b, c, d]) {
      await connect(server, a, peer);
      chats.push({ peer, chat: await openChat(server, a, peer) });
    }
    await connect(server, stranger, b);
    const outside = await openChat(server, stranger, b);
    const sent = [];
    for (let round = 0; round < 2; round++)
      for (const { peer, chat } of chats) {
        server.clock.advance(1); // PostgreSQL orders by time (then chat): each message a millisecond apart
        sent.push(await send(await socketOf(peer), chat.id, `${word} from ${peer.user.id} ${round}`));
        // Another chat's message naming a's chats as the index writes them: never a's hit.
        await send(await socketOf(stranger), outside.id, `${word} ${chat.id} ${chat.id.replaceAll("-", "")} #${chat.id}`);
      }

    const seen: string[] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await hits(a, word, { limit: "4", ...(before ? { before } : {}) });
      seen.push(...page.hits.map((h) => h.messageId));
      if (page.next === null) break;
      before = page.next;
    }
    assert.deepEqual(seen, sent.map((m) => m.id).reverse());
    // A chat's id is never a word of its messages: searching it finds only texts that have it.
    const [first] = chats;
    assert.ok(first);
    assert.deepEqual((await hits(a, first.chat.id.replaceAll("-", ""))).hits, []);
    assert.equal((await hits(b, first.chat.id.replaceAll("-", ""))).hits.length, 2, "b is in the chat whose texts have it");
    assert.equal((await hits(b, word)).hits.length, 2 + 6, "b's chat with a, and b's chat with the stranger");
    assert.equal((await hits(c, word)).hits.length, 2);
    for (const socket of sockets.values()) socket.close();
  });

  test("a deleted account's chats leave the other person's search", async () => {
    const { a, b, chat, socketA, socketB } = await chatPair(server, "srchd");
    const word = unique("skua");
    await send(socketA, chat.id, `${word} one`);
    await send(socketB, chat.id, `${word} two`);
    assert.equal((await hits(b, word)).hits.length, 2);
    assert.equal((await call(server, "DELETE", "/api/users/me", { token: a.tokens.accessToken })).status, 204);
    assert.deepEqual((await hits(b, word)).hits, []);
    // The index kept up: b's next chat is searched as before.
    const [c] = (await makeUsers(server, 1, "srchd")) as [SignedIn];
    await connect(server, b, c);
    const next = await openChat(server, b, c);
    const message = await send(socketB, next.id, `${word} three`);
    assert.deepEqual(
      (await hits(b, word)).hits.map((h) => h.messageId),
      [message.id],
    );
  });

  test("pages newest first with `next`, every hit once", async () => {
    const { a, chat, socketA } = await chatPair(server, "srchp");
    const word = unique("otter");
    const sent = [];
    for (let i = 0; i < 7; i++) sent.push(await send(socketA, chat.id, `${word} number ${i}`));
    const seen: string[] = [];
    let before: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await hits(a, word, { limit: "3", ...(before ? { before } : {}) });
      seen.push(...page.hits.map((h) => h.messageId));
      if (page.next === null) break;
      before = page.next;
    }
    assert.deepEqual(seen, sent.map((m) => m.id).reverse());
  });

  test("query syntax is text: quotes, stars, NEAR(, colons and operators never reach the parser as syntax", async () => {
    const { a, chat, socketA } = await chatPair(server, "srchh");
    const word = unique("heron");
    const message = await send(socketA, chat.id, `near the ${word}: "quoted" & more`);
    // Each is answered (never a 500), and words inside the syntax are still searched as words.
    for (const q of [`"${word}`, `${word}*`, `NEAR(${word}`, `near:${word}`, `${word} & | !`, `'${word}'`, `(${word})`, `${word}\\`, `-${word}`, `^${word}`]) {
      const page = await hits(a, q);
      assert.deepEqual(
        page.hits.map((h) => h.messageId),
        [message.id],
        q,
      );
    }
    assert.deepEqual(
      (await hits(a, `NEAR(${word} quoted)`)).hits.map((h) => h.messageId),
      [message.id],
    );
    // Nothing to search for, too long, too many words, control characters, a bad cursor: VALIDATION in the one error shape.
    for (const query of <Record<string, string>[]>[
      { q: '"' },
      { q: "*" },
      { q: ":" },
      { q: "&|!" },
      { q: '( ) * : ^ " -' },
      { q: "   " },
      { q: "" },
      { q: "x".repeat(10_240) },
      { q: "a b c d e f g h i" },
      { q: `${word}\u0000` },
      { q: word, before: "'; drop table messages; --" },
      { q: word, limit: "1000" },
    ]) {
      const reply = await searchAs(a, query);
      assert.equal(reply.status, 400, JSON.stringify(query).slice(0, 80));
      assert.equal(codeOf(reply), "VALIDATION");
      const body = reply.body as { error: { code: string; message: string } };
      assert.equal(typeof body.error.message, "string");
    }
    const missing = await call(server, "GET", "/api/search/messages", { token: a.tokens.accessToken });
    assert.equal(codeOf(missing), "VALIDATION");
  });

  test("the snippet is plain text around the hit in a long message", async () => {
    const { a, chat, socketA } = await chatPair(server, "srchs");
    const word = unique("puffin");
    const text = `${"lorem ipsum dolor ".repeat(30)}<b>${word}</b> ${"sit amet ".repeat(30)}`;
    await send(socketA, chat.id, text);
    const [hit] = (await hits(a, word)).hits;
    assert.ok(hit);
    const { snippet } = hit;
    assert.ok(snippet.cutStart && snippet.cutEnd);
    assert.ok(snippet.text.length <= 170, `${snippet.text.length}`);
    assert.ok(snippet.text.includes(`<b>${word}</b>`));
    assert.deepEqual(
      snippet.highlights.map((r) => snippet.text.slice(r.start, r.end)),
      [word],
    );
  });
});

describe("history around a seq", () => {
  test("a page with the seq in its middle, saying whether there is more either way", async () => {
    const { a, chat, socketA } = await chatPair(server, "around");
    for (let i = 1; i <= 30; i++) await send(socketA, chat.id, `m${i}`);
    const page = await historyOf(server, a, chat.id, "?around=15&limit=10");
    assert.deepEqual(
      page.messages.map((m) => m.seq),
      [11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    );
    assert.equal(page.more, true);
    assert.equal(page.moreAfter, true);
    const start = await historyOf(server, a, chat.id, "?around=2&limit=10");
    assert.deepEqual(
      start.messages.map((m) => m.seq),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.equal(start.more, false);
    const end = await historyOf(server, a, chat.id, "?around=29&limit=10");
    assert.deepEqual(
      end.messages.map((m) => m.seq),
      [25, 26, 27, 28, 29, 30],
    );
    assert.equal(end.moreAfter, false);
    const both = await call(server, "GET", `/api/chats/${chat.id}/messages?around=3&before=5`, { token: a.tokens.accessToken });
    assert.equal(codeOf(both), "VALIDATION");
    ok(await call(server, "GET", `/api/chats/${chat.id}/messages?around=3`, { token: a.tokens.accessToken }), HistoryPage);
  });
});
