import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { uuidv7 } from "@easyqr/protocol";
import { createStore } from "jotai";
import { AuthSession } from "../../../web/src/api/authSession.ts";
import { chatsApi } from "../../../web/src/api/chats.ts";
import { MemoryStorage } from "../../../web/src/api/storage.ts";
import { ChatSync } from "../../../web/src/features/chat/chatSync.ts";
import { storageOutbox, type OutboxItem } from "../../../web/src/features/chat/outbox.ts";
import { outboxAtom } from "../../../web/src/features/chat/state.ts";
import { LiveClient } from "../../../web/src/realtime/liveClient.ts";
import { wsSocket } from "../../../web/src/realtime/wsSocket.ts";
import type { PacerOptions } from "../../../web/src/realtime/pacer.ts";
import type { SignedIn } from "../support/api.ts";
import { allMessages, openChat } from "../support/chat.ts";
import { connect, eventually, makeUsers } from "../support/contacts.ts";
import { startServer, type TestServer } from "../support/harness.ts";

/**
 * The web client's own outbox code (ChatSync + LiveClient) in Node against a real server: 500
 * messages written offline (stored, as a reload finds them) drain on connect, in order, once each,
 * none failed by the per-socket rate limit.
 */

const COUNT = 500;

/** The server's clock keeps up with real time (its per-socket token bucket refills by it). */
function realTime(server: TestServer): () => void {
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    server.clock.advance(now - last);
    last = now;
  }, 2);
  return () => clearInterval(timer);
}

async function drain(server: TestServer, me: SignedIn, chatId: string, count: number, pacing?: PacerOptions) {
  const storage = new MemoryStorage();
  const outbox = storageOutbox(storage, me.user.id);
  // Written offline, oldest first, a millisecond apart: what a reload finds in the outbox.
  const written: OutboxItem[] = Array.from({ length: count }, (_, i) => ({
    clientId: uuidv7(),
    chatId,
    text: `offline ${i}`,
    replyTo: null,
    attachments: [],
    createdAt: 1_000 + i,
    status: "pending",
  }));
  outbox.save(written);

  const auth = new AuthSession({ storage, base: server.url });
  auth.start(me.tokens);
  const refused: string[] = [];
  const live = new LiveClient({
    server: server.url,
    accessToken: () => auth.accessToken(),
    refresh: () => auth.refresh(),
    onState: () => {},
    onEnded: (code) => refused.push(code),
    createSocket: (url) => {
      const socket = wsSocket(url, { origin: new URL(url).origin.replace("ws", "http") });
      const onmessage = (message: { data: unknown }) => {
        if (typeof message.data === "string" && message.data.includes('"RATE_LIMITED"')) refused.push("RATE_LIMITED");
      };
      // Counts the server's refusals on their way to the connection.
      return new Proxy(socket, {
        set(target, key, value) {
          if (key === "onmessage" && typeof value === "function") {
            const handler = value as (message: { data: unknown }) => void;
            target.onmessage = (message) => {
              onmessage(message);
              handler(message);
            };
            return true;
          }
          return Reflect.set(target, key, value);
        },
      });
    },
    pacing,
  });
  const store = createStore();
  const sync = new ChatSync({ me: me.user.id, api: chatsApi(auth), live, store, outbox });
  live.subscribe(sync);
  const started = Date.now();
  await live.start();
  await eventually(() => store.get(outboxAtom).length === 0 || store.get(outboxAtom).some((i) => i.status === "failed"), "the outbox to drain", 60_000);
  const ms = Date.now() - started;
  const left = store.get(outboxAtom);
  live.stop();
  sync.stop();
  return { written, left, refused, ms, stored: storage };
}

async function checkStored(server: TestServer, me: SignedIn, chatId: string, written: OutboxItem[]) {
  const messages = await allMessages(server, me, chatId);
  assert.equal(messages.length, written.length, "each once");
  assert.deepEqual(
    messages.map((m) => m.clientId),
    written.map((w) => w.clientId),
    "stored in the order written",
  );
  assert.deepEqual(
    messages.map((m) => m.seq),
    messages.map((_, i) => i + 1),
  );
}

async function pairChat(server: TestServer, base: string) {
  const [a, b] = (await makeUsers(server, 2, base)) as [SignedIn, SignedIn];
  await connect(server, a, b);
  const chat = await openChat(server, a, b);
  return { a, chatId: chat.id };
}

describe("an outbox of 500 written offline", () => {
  let server: TestServer;
  let stopClock: () => void;
  before(async () => {
    server = await startServer({ authLimits: { sendsPerIp: 10_000 } });
    stopClock = realTime(server);
  });
  after(async () => {
    stopClock();
    await server.close();
  });

  test("drains on connect at the server's default limits: in order, once each, none refused", { timeout: 90_000 }, async () => {
    const { a, chatId } = await pairChat(server, "drain");
    const { written, left, refused, ms } = await drain(server, a, chatId, COUNT);
    assert.deepEqual(left, [], "nothing left, nothing failed");
    assert.deepEqual(refused, [], "paced inside the budget: the server refused none");
    await checkStored(server, a, chatId, written);
    // 60 at once, then 30 a second: about 15 s for 500 is the fastest the server allows.
    assert.ok(ms >= ((COUNT - 60) / 30) * 1000 - 1000, `took ${ms} ms`);
  });
});

describe("an outbox against a server set tighter than the client paces", () => {
  let server: TestServer;
  let stopClock: () => void;
  before(async () => {
    server = await startServer({ authLimits: { sendsPerIp: 10_000 }, chatLimits: { messageBurst: 10, messagesPerSecond: 20 } });
    stopClock = realTime(server);
  });
  after(async () => {
    stopClock();
    await server.close();
  });

  test("RATE_LIMITED answers are pauses: all stored in order, none failed", { timeout: 90_000 }, async () => {
    const { a, chatId } = await pairChat(server, "tight");
    // 150 at 20 a second after a burst of 10: about 7 s, with refusals all the way.
    const { written, left, refused } = await drain(server, a, chatId, 150, { burst: 1_000, perSecond: 100_000, window: 1 });
    assert.ok(refused.filter((r) => r === "RATE_LIMITED").length > 0, "the server did refuse some");
    assert.deepEqual(left, [], "nothing left, nothing failed");
    await checkStored(server, a, chatId, written);
  });
});
