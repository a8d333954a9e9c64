import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Me } from "@easyqr/protocol";
import { call, codeOf } from "./support/api.ts";
import { uploaded } from "./support/attachments.ts";
import { chatList, chatPair, request, roomyChatLimits, send } from "./support/chat.ts";
import { userSocket } from "./support/contacts.ts";
import { signInDevice } from "./support/devices.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { solidImage } from "./support/images.ts";

let server: TestServer;
before(async () => (server = await startServer({ chatLimits: roomyChatLimits })));
after(() => server.close());

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test("deleting an account removes its sessions, devices, profile, avatar, chats, messages and files; contacts see a deleted account", async () => {
  const { a, b, chat, socketA, socketB } = await chatPair(server, "leaver");
  const uploadsBefore = filesUnder(join(server.dataDir, "uploads")).length;
  // A's photo, a second device, and a chat with a photo from each side.
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(await solidImage("png"))]), "me.png");
  const avatarReply = await fetch(`${server.url}/api/users/me/avatar`, {
    method: "PUT",
    headers: { authorization: `Bearer ${a.tokens.accessToken}` },
    body: form,
  });
  const avatar = Me.parse(await avatarReply.json()).avatar;
  assert.ok(avatar);
  const laptop = await signInDevice(server, a);
  const laptopSocket = await userSocket(server, laptop);
  const photoA = await uploaded(server, chat.id, await solidImage("png"), { token: a.tokens.accessToken, name: "a.png" });
  await send(socketA, chat.id, "from A", { attachmentIds: [photoA.id] });
  const photoB = await uploaded(server, chat.id, await solidImage("jpeg"), { token: b.tokens.accessToken, name: "b.jpg" });
  const lastOfB = await send(socketB, chat.id, "from B", { attachmentIds: [photoB.id] });
  assert.ok(filesUnder(join(server.dataDir, "uploads")).length > uploadsBefore, "files were stored");

  assert.equal((await call(server, "DELETE", "/api/users/me", { token: a.tokens.accessToken })).status, 204);

  // Every device of A is signed out at once; B hears the account is gone.
  assert.equal(await socketA.failure(2000), "AUTH_SESSION_REVOKED");
  assert.equal(await laptopSocket.failure(2000), "AUTH_SESSION_REVOKED");
  const removed = await socketB.next("CONNECTION_REMOVED", 2000);
  assert.deepEqual(removed, { type: "CONNECTION_REMOVED", userId: a.user.id, reason: "account_deleted" });

  const db = server.app.database.db;
  const count = async (table: "users" | "authSessions", column: "id" | "userId") =>
    (await db.selectFrom(table).select("id").where(column, "=", a.user.id).execute()).length;
  assert.equal(await count("users", "id"), 0, "profile");
  assert.equal(await count("authSessions", "userId"), 0, "sessions and devices");
  assert.equal((await db.selectFrom("chats").select("id").where("id", "=", chat.id).execute()).length, 0, "the chat");
  assert.equal((await db.selectFrom("messages").select("id").where("chatId", "=", chat.id).execute()).length, 0, "messages of both");
  assert.equal((await db.selectFrom("attachments").select("id").where("chatId", "=", chat.id).execute()).length, 0, "attachment rows");
  assert.equal((await fetch(`${server.url}${avatar.url}`)).status, 404, "avatar file");
  assert.equal(filesUnder(join(server.dataDir, "uploads")).length, uploadsBefore, "avatar and attachment files");
  assert.equal(codeOf(await call(server, "GET", "/api/users/me", { token: laptop.tokens.accessToken })), "AUTH_SESSION_REVOKED");

  // B's list no longer has the chat, and a device of B that was away learns it on SYNC.
  assert.deepEqual((await chatList(server, b)).chats, []);
  const sync = await request(socketB, { type: "SYNC", chats: [{ chatId: chat.id, rev: lastOfB.rev }] });
  assert.ok(!sync.error);
  assert.deepEqual(sync.sync, { chats: [], removed: [chat.id] });
});

test("a SYNC names no removed chats while they all exist, nor one the client knew without a rev", async () => {
  const { chat, socketB } = await chatPair(server, "stayer");
  const sync = await request(socketB, {
    type: "SYNC",
    chats: [
      { chatId: chat.id, rev: 0 },
      { chatId: "0190a000-0000-7000-8000-000000000000", rev: 0 },
    ],
  });
  assert.ok(!sync.error);
  assert.equal(sync.sync?.removed, undefined);
});
