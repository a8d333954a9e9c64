import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { Attachment, MAX_ATTACHMENT_BYTES } from "@easyqr/protocol";
import { call, codeOf, signIn, type SignedIn } from "./support/api.ts";
import { download, filesUnder, multipartFraming, rawUpload, uploadTo, uploaded } from "./support/attachments.ts";
import { errorOf, openChat, received, request } from "./support/chat.ts";
import type { TestSocket } from "./support/client.ts";
import { connect, contactsOf, makeUsers, userSocket } from "./support/contacts.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { pixel, pngClaiming, polyglotPng, rotatedJpeg, solidImage } from "./support/images.ts";

let server: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let eve: SignedIn;
let chatId: string;
let evesChat: string;
let aliceSocket: TestSocket;
let bobSocket: TestSocket;
before(async () => {
  server = await startServer({ authLimits: { sendsPerIp: 10_000 } });
  [alice, bob, eve] = (await makeUsers(server, 3, "att")) as [SignedIn, SignedIn, SignedIn];
  await connect(server, alice, bob);
  await connect(server, eve, bob);
  chatId = (await openChat(server, alice, bob)).id;
  evesChat = (await openChat(server, eve, bob)).id;
  [aliceSocket, bobSocket] = await Promise.all([userSocket(server, alice), userSocket(server, bob)]);
});
after(async () => {
  aliceSocket.close();
  bobSocket.close();
  await server.close();
});

const token = (user: SignedIn) => user.tokens.accessToken;
const rowCount = async () => (await server.app.database.db.selectFrom("attachments").select("id").execute()).length;
const attachmentFiles = () => filesUnder(server.dataDir).filter((f) => relative(server.dataDir, f).startsWith("uploads/attachments/"));

/** Alice sends the attachments in a message (a SEND frame); returns the message id, or throws the ACK's error code. */
async function send(attachmentIds: string[], socket = aliceSocket, to = chatId): Promise<string> {
  const ack = await request(socket, { type: "SEND", chatId: to, attachmentIds });
  if (!ack.message) throw new Error(errorOf(ack));
  return ack.message.id;
}

describe("uploading an image", () => {
  test("a JPEG becomes an upright WebP with a thumbnail, its size stored and its metadata gone", async () => {
    const marker = "SECRET-GPS-MARKER";
    const attachment = await uploaded(server, chatId, await rotatedJpeg(marker), { token: token(alice), name: "holiday.jpg", type: "image/jpeg" });
    assert.equal(attachment.kind, "image");
    assert.equal(attachment.mime, "image/webp");
    assert.equal(attachment.name, "holiday.webp");
    // 300 × 200 turned 90°: 200 × 300.
    assert.deepEqual([attachment.width, attachment.height], [200, 300]);
    assert.equal(attachment.url, `/api/attachments/${attachment.id}`);
    assert.equal(attachment.thumbUrl, `/api/attachments/${attachment.id}/thumb`);

    const { response, data } = await download(server, attachment.url, token(alice));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "image/webp");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.match(response.headers.get("cache-control") ?? "", /^private, max-age=\d+$/);
    assert.equal(response.headers.get("vary"), "authorization");
    assert.equal(response.headers.get("content-length"), String(attachment.size));
    assert.equal(data.length, attachment.size);
    assert.match(response.headers.get("content-disposition") ?? "", /^inline; filename="holiday.webp"/);
    const meta = await sharp(data).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ["webp", 200, 300]);
    assert.equal(meta.exif, undefined, "no EXIF");
    assert.ok(!data.includes(marker), "nothing of the original metadata");
    const top = await pixel(data, 100, 40);
    const bottom = await pixel(data, 100, 260);
    assert.ok(top.r > 200 && top.b < 60, `the red half is on top: ${JSON.stringify(top)}`);
    assert.ok(bottom.b > 200 && bottom.r < 60, `the blue half below: ${JSON.stringify(bottom)}`);

    const thumb = await download(server, attachment.thumbUrl ?? "", token(alice));
    assert.equal(thumb.response.status, 200);
    assert.equal(thumb.response.headers.get("content-type"), "image/webp");
    const thumbMeta = await sharp(thumb.data).metadata();
    assert.deepEqual([thumbMeta.format, thumbMeta.width, thumbMeta.height], ["webp", 200, 300], "a small image is not enlarged");
  });

  test("a large image is capped at 2048 px on its long side, its thumbnail at 320 px", async () => {
    const attachment = await uploaded(server, chatId, await solidImage("png", 3000, 1500), { token: token(alice), name: "wide.png" });
    assert.deepEqual([attachment.width, attachment.height], [2048, 1024]);
    const thumb = await sharp((await download(server, attachment.thumbUrl ?? "", token(alice))).data).metadata();
    assert.deepEqual([thumb.width, thumb.height], [320, 160]);
  });

  test("PNG, WebP and GIF by content whatever the name; an animated GIF stays animated", async () => {
    for (const format of ["png", "webp"] as const) {
      const attachment = await uploaded(server, chatId, await solidImage(format), { token: token(alice), name: "photo.txt", type: "text/plain" });
      assert.equal(attachment.kind, "image", format);
    }
    const frame = (r: number) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: 0, b: 0 } } })
        .png()
        .toBuffer();
    const gif = await sharp([await frame(255), await frame(0), await frame(128)], { join: { animated: true } })
      .gif()
      .toBuffer();
    const attachment = await uploaded(server, chatId, gif, { token: token(alice), name: "dance.gif" });
    assert.deepEqual([attachment.kind, attachment.width, attachment.height], ["image", 40, 30]);
    const meta = await sharp((await download(server, attachment.url, token(alice))).data).metadata();
    assert.deepEqual([meta.format, meta.pages], ["webp", 3]);
  });

  test("a polyglot PNG carrying HTML is re-encoded: nothing of the payload is served", async () => {
    const payload = "<html><script>alert(document.cookie)</script></html>";
    const attachment = await uploaded(server, chatId, await polyglotPng(payload), { token: token(alice), name: "x.html", type: "text/html" });
    assert.equal(attachment.kind, "image");
    for (const url of [attachment.url, attachment.thumbUrl ?? ""]) assert.ok(!(await download(server, url, token(alice))).data.includes("<script>"));
  });

  test("a pixel flood is refused at once with UPLOAD_TOO_LARGE (maxPixels); a damaged image with UPLOAD_INVALID", async () => {
    const before = await rowCount();
    const started = performance.now();
    const flood = await uploadTo(server, chatId, pngClaiming(50_000, 50_000), { token: token(alice), name: "bomb.png" });
    assert.equal(flood.status, 413);
    assert.equal(flood.code, "UPLOAD_TOO_LARGE");
    assert.equal((flood.body as { error: { data: { maxPixels: number } } }).error.data.maxPixels, 50_000_000);
    assert.ok(performance.now() - started < 1000, "refused without decoding");
    const png = await solidImage("png", 200, 200);
    for (const damaged of [png.subarray(0, 40), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 7)])]) {
      const reply = await uploadTo(server, chatId, damaged, { token: token(alice) });
      assert.equal(reply.status, 400);
      assert.equal(reply.code, "UPLOAD_INVALID");
    }
    assert.equal(await rowCount(), before, "nothing kept");
  });
});

describe("uploading a file", () => {
  test("any other content is a file: stored byte for byte, served as a download", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const attachment = await uploaded(server, chatId, data, { token: token(alice), name: "Quarterly report (final).pdf", type: "application/pdf" });
    assert.deepEqual(
      { kind: attachment.kind, name: attachment.name, mime: attachment.mime, size: attachment.size, width: attachment.width, thumbUrl: attachment.thumbUrl },
      { kind: "file", name: "Quarterly report (final).pdf", mime: "application/octet-stream", size: data.length, width: null, thumbUrl: null },
    );
    const { response, data: served } = await download(server, attachment.url, token(alice));
    assert.equal(response.status, 200);
    assert.ok(served.equals(data), "byte-exact");
    assert.equal(response.headers.get("content-type"), "application/octet-stream");
    assert.equal(
      response.headers.get("content-disposition"),
      `attachment; filename="Quarterly report (final).pdf"; filename*=UTF-8''Quarterly%20report%20%28final%29.pdf`,
    );
    assert.equal(response.headers.get("accept-ranges"), "bytes");
    assert.equal((await download(server, `${attachment.url}/thumb`, token(alice))).response.status, 404, "files have no thumbnail");

    const part = await download(server, attachment.url, token(alice), { range: "bytes=1000-1999" });
    assert.equal(part.response.status, 206);
    assert.equal(part.response.headers.get("content-range"), `bytes 1000-1999/${data.length}`);
    assert.ok(part.data.equals(data.subarray(1000, 2000)));
    const tail = await download(server, attachment.url, token(alice), { range: "bytes=-10" });
    assert.ok(tail.data.equals(data.subarray(data.length - 10)));
    const unsatisfiable = await download(server, attachment.url, token(alice), { range: `bytes=${data.length + 5}-` });
    assert.equal(unsatisfiable.response.status, 200, "a range past the end gets the whole file");
  });

  test("SVG and HTML are files: never served inline or as markup", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>';
    for (const [content, name, type] of [
      [svg, "cat.svg", "image/svg+xml"],
      ["<html><script>alert(1)</script></html>", "page.html", "text/html"],
      ["<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg"],
    ] as const) {
      const attachment = await uploaded(server, chatId, Buffer.from(content), { token: token(alice), name, type });
      assert.equal(attachment.kind, "file", name);
      const { response, data } = await download(server, attachment.url, token(alice));
      assert.equal(response.headers.get("content-type"), "application/octet-stream", name);
      assert.match(response.headers.get("content-disposition") ?? "", /^attachment; /, name);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      assert.match(response.headers.get("content-security-policy") ?? "", /sandbox/);
      assert.equal(data.toString(), content);
    }
  });

  test("client names never reach the disk: traversal names are cut to their last segment, keys are random", async () => {
    const before = new Set(attachmentFiles());
    const names = ["../../evil.sh", "..\\..\\evil.bat", "/etc/passwd", "attachments/../../secret.key", "inv\u202Efdp.exe", ".."];
    const stored = [];
    for (const name of names) stored.push((await uploaded(server, chatId, Buffer.from("x"), { token: token(alice), name })).name);
    assert.deepEqual(stored, ["evil.sh", "evil.bat", "passwd", "secret.key", "invfdp.exe", "file"]);
    const added = attachmentFiles().filter((f) => !before.has(f));
    assert.equal(added.length, names.length);
    for (const file of added) assert.match(relative(server.dataDir, file), /^uploads\/attachments\/[A-Za-z0-9_-]{22}\.bin$/);
    for (const path of ["/api/attachments/..%2F..%2Fsecret.key", "/api/attachments/%2e%2e", "/api/attachments/secret.key/thumb"]) {
      const { response, data } = await download(server, path, token(alice));
      assert.ok([400, 404].includes(response.status), path);
      assert.ok(!data.toString().includes("BEGIN") && data.length < 300);
    }
  });

  test("an empty file, no file, another field, JSON: UPLOAD_INVALID", async () => {
    assert.equal((await uploadTo(server, chatId, new Uint8Array(), { token: token(alice) })).code, "UPLOAD_INVALID");
    assert.equal((await uploadTo(server, chatId, Buffer.from("x"), { token: token(alice), field: "image" })).code, "UPLOAD_INVALID");
    const json = await call(server, "POST", `/api/chats/${chatId}/attachments`, { token: token(alice), body: { file: "x" } });
    assert.equal(codeOf(json), "UPLOAD_INVALID");
  });
});

describe("the size limit", () => {
  test("a Content-Length over 25 MB is refused before the body is read: answered while the client is still sending", async () => {
    const before = { rows: await rowCount(), files: attachmentFiles().length };
    const { contentType, head } = multipartFraming();
    const reply = await rawUpload(server, `/api/chats/${chatId}/attachments`, token(alice), {
      contentType,
      contentLength: MAX_ATTACHMENT_BYTES + 64 * 1024,
      chunks: [head, Buffer.alloc(1024, 1)],
      hold: true,
    });
    assert.equal(reply.status, 413);
    assert.equal(reply.finishedSending, false, "the answer came with the body still unsent");
    assert.ok(reply.bytesSent < 2048);
    const body = JSON.parse(reply.body) as { error: { code: string; data: { maxBytes: number } } };
    assert.equal(body.error.code, "UPLOAD_TOO_LARGE");
    assert.equal(body.error.data.maxBytes, MAX_ATTACHMENT_BYTES);
    assert.deepEqual({ rows: await rowCount(), files: attachmentFiles().length }, before, "nothing stored");
  });

  test("a chunked body past 25 MB is cut off as it streams; nothing is kept", async () => {
    const before = { rows: await rowCount(), files: attachmentFiles().length };
    const { contentType, head } = multipartFraming();
    const chunk = Buffer.alloc(256 * 1024, 7);
    const total = 100 * 1024 * 1024;
    function* endless() {
      yield head;
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
    }
    const reply = await rawUpload(server, `/api/chats/${chatId}/attachments`, token(alice), { contentType, contentLength: undefined, chunks: endless() });
    assert.equal(reply.status, 413);
    assert.equal((JSON.parse(reply.body) as { error: { code: string } }).error.code, "UPLOAD_TOO_LARGE");
    assert.equal(reply.finishedSending, false);
    assert.ok(reply.bytesSent < 40 * 1024 * 1024, `stopped near the limit, not at ${reply.bytesSent} bytes`);
    assert.deepEqual({ rows: await rowCount(), files: attachmentFiles().length }, before, "nothing stored");
    assert.deepEqual(filesUnder(`${server.dataDir}/spool`), [], "the partial file is gone");
  });

  test("a truthful Content-Length within the allowance but a file of 25 MB + 1 byte is cut off; exactly 25 MB is taken", async () => {
    const before = await rowCount();
    const { contentType, head, tail } = multipartFraming();
    const over = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 3);
    const refused = await rawUpload(server, `/api/chats/${chatId}/attachments`, token(alice), {
      contentType,
      contentLength: head.length + over.length + tail.length,
      chunks: [head, over, tail],
    });
    assert.equal(refused.status, 413);
    assert.equal(await rowCount(), before);

    const exact = await uploaded(server, chatId, over.subarray(0, MAX_ATTACHMENT_BYTES), { token: token(alice), name: "exact.bin" });
    assert.equal(exact.size, MAX_ATTACHMENT_BYTES);
    const { data } = await download(server, exact.url, token(alice));
    assert.equal(data.length, MAX_ATTACHMENT_BYTES);
  });
});

describe("who gets what", () => {
  test("a non-member's upload gets the same 404 as an unknown chat, before the body is read", async () => {
    const unknown = await uploadTo(server, randomUUID(), Buffer.from("x"), { token: token(eve) });
    const notMine = await uploadTo(server, chatId, Buffer.from("x"), { token: token(eve) });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.code, "CHAT_NOT_FOUND");
    assert.deepEqual([notMine.status, notMine.body], [unknown.status, unknown.body]);
    const { contentType, head } = multipartFraming();
    const big = await rawUpload(server, `/api/chats/${chatId}/attachments`, token(eve), {
      contentType,
      contentLength: 10 * 1024 * 1024,
      chunks: [head],
      hold: true,
    });
    assert.equal(big.status, 404, "answered without waiting for the body");
  });

  test("uploading needs a current connection, like SEND: after a removal or a block both members get CHAT_NOT_CONNECTED, before the body is read", async () => {
    for (const end of ["remove", "block"] as const) {
      const [carol, dave] = (await makeUsers(server, 2, `att${end}`)) as [SignedIn, SignedIn];
      await connect(server, carol, dave);
      const theirChat = (await openChat(server, carol, dave)).id;
      const before = await uploaded(server, theirChat, Buffer.from("before"), { token: token(dave) });
      if (end === "remove") assert.equal((await contactsOf(server, carol).remove(dave.user.id)).status, 204);
      else assert.equal((await contactsOf(server, carol).block(dave.user.id)).status, 204);
      const rows = await rowCount();
      for (const user of [carol, dave]) {
        const reply = await uploadTo(server, theirChat, Buffer.from("x"), { token: token(user) });
        assert.deepEqual([reply.status, reply.code], [403, "CHAT_NOT_CONNECTED"], `${end}: ${user.email}`);
        const { contentType, head } = multipartFraming();
        const big = await rawUpload(server, `/api/chats/${theirChat}/attachments`, token(user), {
          contentType,
          contentLength: 10 * 1024 * 1024,
          chunks: [head],
          hold: true,
        });
        assert.equal(big.status, 403, "answered without waiting for the body");
      }
      assert.equal(await rowCount(), rows, "nothing stored");
      assert.equal((await download(server, before.url, token(dave))).response.status, 200, "an upload from before can still be read by its uploader");
    }
  });

  test("downloads: a non-member, and a member for another's unsent attachment, get exactly the answer of an unknown id", async () => {
    const attachment = await uploaded(server, chatId, await solidImage("png"), { token: token(alice) });
    const unknown = await call(server, "GET", `/api/attachments/${randomUUID()}`, { token: token(alice) });
    assert.equal(unknown.status, 404);
    assert.equal(codeOf(unknown), "ATTACHMENT_NOT_FOUND");
    const same = (reply: { status: number; body: unknown }) => assert.deepEqual([reply.status, reply.body], [unknown.status, unknown.body]);
    for (const url of [attachment.url, attachment.thumbUrl ?? ""]) {
      same(await call(server, "GET", url, { token: token(eve) }));
      same(await call(server, "GET", url, { token: token(bob) }));
      assert.equal((await download(server, url, token(alice))).response.status, 200, "the uploader has it before sending");
    }

    const messageId = await send([attachment.id]);
    assert.equal((await download(server, attachment.url, token(bob))).response.status, 200, "sent: the other member has it");
    same(await call(server, "GET", attachment.url, { token: token(eve) }));

    // Deleted for everyone: the message stays as a tombstone, the other member loses the file.
    assert.equal(errorOf(await request(aliceSocket, { type: "DELETE", messageId })), undefined);
    same(await call(server, "GET", attachment.url, { token: token(bob) }));
  });

  test("SEND takes only the sender's unsent attachments of that chat; the peer receives them in the message", async () => {
    const mine = await uploaded(server, chatId, Buffer.from("a"), { token: token(alice), name: "a.txt" });
    const bobs = await uploaded(server, chatId, Buffer.from("b"), { token: token(bob) });
    const elsewhere = await uploaded(server, evesChat, Buffer.from("c"), { token: token(bob) });
    for (const ids of [[bobs.id], [randomUUID()]]) await assert.rejects(send(ids), /ATTACHMENT_NOT_FOUND/);
    await assert.rejects(send([elsewhere.id], bobSocket), /ATTACHMENT_NOT_FOUND/, "uploaded to another chat");
    const messageId = await send([mine.id]);
    await assert.rejects(send([mine.id]), /ATTACHMENT_NOT_FOUND/, "sent once");
    await bobSocket.next("MESSAGE", 5000, (e) => e.message.id === messageId);
    const delivered = received(bobSocket, chatId).find((m) => m.id === messageId);
    assert.deepEqual(delivered?.attachments, [mine]);
    assert.equal((await download(server, mine.url, token(bob))).data.toString(), "a");
  });

  test("not signed in: 401 for upload and downloads", async () => {
    const attachment = await uploaded(server, chatId, Buffer.from("x"), { token: token(alice) });
    assert.equal((await uploadTo(server, chatId, Buffer.from("x"))).status, 401);
    for (const url of [attachment.url, `${attachment.url}/thumb`]) {
      const reply = await call(server, "GET", url);
      assert.equal(reply.status, 401);
      assert.equal(codeOf(reply), "AUTH_REQUIRED");
    }
    assert.equal((await call(server, "GET", attachment.url, { token: "nope" })).status, 401);
  });
});

describe("removal", () => {
  test("unsent attachments are swept a day after upload, rows and files; sent ones stay", async () => {
    const unsent = await uploaded(server, chatId, await solidImage("png"), { token: token(alice) });
    const sent = await uploaded(server, chatId, Buffer.from("kept"), { token: token(alice) });
    await send([sent.id]);
    const keys = await server.app.database.db
      .selectFrom("attachments")
      .select(["id", "storageKey", "thumbKey"])
      .where("id", "in", [unsent.id, sent.id])
      .execute();
    const filesOf = (id: string) =>
      keys.filter((k) => k.id === id).flatMap((k) => [k.storageKey, k.thumbKey ?? ""].filter(Boolean).map((key) => join(server.dataDir, "uploads", key)));
    assert.equal(filesOf(unsent.id).length, 2);
    server.clock.advance(23 * 60 * 60_000);
    assert.equal(await server.app.attachments.sweep(), 0, "not yet");
    server.clock.advance(60 * 60_000 + 1);
    assert.ok((await server.app.attachments.sweep()) >= 1);
    // A day later the access tokens have long expired.
    [alice, bob] = [await signIn(server, alice.email), await signIn(server, bob.email)];
    assert.equal((await download(server, unsent.url, token(alice))).response.status, 404);
    for (const file of filesOf(unsent.id)) assert.equal(existsSync(file), false, "image and thumbnail files gone");
    for (const file of filesOf(sent.id)) assert.equal(existsSync(file), true);
    assert.equal((await download(server, sent.url, token(bob))).response.status, 200);
  });

  test("delete for everyone removes the message's attachments: rows, files, and every download (404 for both members)", async () => {
    const image = await uploaded(server, chatId, await solidImage("png"), { token: token(alice) });
    const file = await uploaded(server, chatId, Buffer.from("report"), { token: token(alice), name: "report.txt" });
    const messageId = await send([image.id, file.id]);
    const urls = [image.url, image.thumbUrl ?? "", file.url];
    for (const url of urls) assert.equal((await download(server, url, token(bob))).response.status, 200, `bob has ${url} before`);
    const keys = await server.app.database.db.selectFrom("attachments").select(["storageKey", "thumbKey"]).where("messageId", "=", messageId).execute();
    const paths = keys.flatMap((k) => [k.storageKey, k.thumbKey].filter((key) => key !== null).map((key) => join(server.dataDir, "uploads", key)));
    assert.equal(paths.length, 3);
    for (const path of paths) assert.equal(existsSync(path), true);

    const ack = await request(aliceSocket, { type: "DELETE", messageId });
    assert.deepEqual(ack.message?.attachments, [], "the tombstone carries no attachments");
    const updated = await bobSocket.next("MESSAGE_UPDATED", 5000, (e) => e.message.id === messageId);
    assert.deepEqual(updated.message.attachments, []);

    const unknown = await call(server, "GET", `/api/attachments/${randomUUID()}`, { token: token(alice) });
    for (const user of [alice, bob]) {
      for (const url of urls) {
        const reply = await call(server, "GET", url, { token: token(user) });
        assert.deepEqual([reply.status, reply.body], [unknown.status, unknown.body], `${url} is gone for ${user.email}`);
      }
    }
    for (const path of paths) assert.equal(existsSync(path), false, `${path} is deleted`);
    assert.equal((await server.app.database.db.selectFrom("attachments").select("id").where("id", "in", [image.id, file.id]).execute()).length, 0, "rows gone");
    await assert.rejects(send([image.id]), /ATTACHMENT_NOT_FOUND/, "the uploader cannot attach it again");
    assert.deepEqual((await request(aliceSocket, { type: "DELETE", messageId })).message?.attachments, [], "deleting again: the same tombstone");
  });

  test("deleting an account deletes the files of its chats", async () => {
    const [carol, dave] = (await makeUsers(server, 2, "attdel")) as [SignedIn, SignedIn];
    await connect(server, carol, dave);
    const theirChat = (await openChat(server, carol, dave)).id;
    const attachment = await uploaded(server, theirChat, await solidImage("png"), { token: token(carol) });
    const files = attachmentFiles().length;
    assert.equal((await call(server, "DELETE", "/api/users/me", { token: token(carol) })).status, 204);
    assert.equal(attachmentFiles().length, files - 2);
    assert.equal((await call(server, "GET", attachment.url, { token: token(dave) })).status, 404);
  });
});

test("the OpenAPI document lists the attachment routes", async () => {
  const document = (await call(server, "GET", "/api/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
  assert.ok(document.paths["/api/chats/{chatId}/attachments"]?.post);
  assert.ok(document.paths["/api/attachments/{attachmentId}"]?.get);
  assert.ok(document.paths["/api/attachments/{attachmentId}/thumb"]?.get);
  assert.ok(Attachment);
});
