import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { Me } from "@easyqr/protocol";
import { call, codeOf, signIn, type SignedIn } from "./support/api.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { pixel, pngClaiming, polyglotPng, rotatedJpeg, solidImage } from "./support/images.ts";

let server: TestServer;
let user: SignedIn;
before(async () => {
  server = await startServer({ authLimits: { sendsPerIp: 10_000 } });
  user = await signIn(server);
});
after(() => server.close());

async function upload(data: Buffer, options: { name?: string; type?: string; field?: string; token?: string } = {}) {
  const form = new FormData();
  form.append(options.field ?? "file", new Blob([data], { type: options.type ?? "application/octet-stream" }), options.name ?? "avatar.bin");
  const response = await fetch(`${server.url}/api/users/me/avatar`, {
    method: "PUT",
    headers: { authorization: `Bearer ${options.token ?? user.tokens.accessToken}` },
    body: form,
  });
  const body = await response.json();
  return { status: response.status, body, code: codeOf({ status: response.status, body, headers: response.headers }) };
}

async function fetchFile(url: string) {
  const response = await fetch(`${server.url}${url}`);
  return { response, data: Buffer.from(await response.arrayBuffer()) };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("avatar upload", () => {
  test("a JPEG becomes a 512 px and a 96 px WebP, turned upright by EXIF, with its metadata gone", async () => {
    const marker = "SECRET-GPS-MARKER";
    const reply = await upload(await rotatedJpeg(marker), { name: "me.jpg", type: "image/jpeg" });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const me = Me.parse(reply.body);
    assert.ok(me.avatar);
    const { response, data } = await fetchFile(me.avatar.url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "image/webp");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.match(response.headers.get("cache-control") ?? "", /max-age=31536000.*immutable/);
    const meta = await sharp(data).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ["webp", 512, 512]);
    assert.equal(meta.exif, undefined, "no EXIF");
    assert.ok(!data.includes(marker), "nothing of the original metadata");
    // Upright: the red half (left in the stored pixels) is on top after rotating 90° clockwise.
    const topRight = await pixel(data, 384, 64);
    const bottomLeft = await pixel(data, 128, 448);
    assert.ok(topRight.r > 200 && topRight.b < 60, `top right is red: ${JSON.stringify(topRight)}`);
    assert.ok(bottomLeft.b > 200 && bottomLeft.r < 60, `bottom left is blue: ${JSON.stringify(bottomLeft)}`);
    const thumb = await sharp((await fetchFile(me.avatar.thumbUrl)).data).metadata();
    assert.deepEqual([thumb.width, thumb.height], [96, 96]);
  });

  test("PNG and WebP are accepted; the type comes from the content, not the name or declared type", async () => {
    assert.equal((await upload(await solidImage("png"), { name: "photo.jpg", type: "image/jpeg" })).status, 200);
    assert.equal((await upload(await solidImage("webp"), { name: "noextension" })).status, 200);
  });

  test("a new avatar replaces the old one's files; removing it deletes them", async () => {
    const first = Me.parse((await upload(await solidImage("png"))).body);
    const second = Me.parse((await upload(await solidImage("jpeg"))).body);
    assert.notEqual(first.avatar?.url, second.avatar?.url, "random names");
    assert.equal((await fetchFile(first.avatar?.url ?? "")).response.status, 404);
    assert.equal((await fetchFile(second.avatar?.url ?? "")).response.status, 200);
    const removed = await call(server, "DELETE", "/api/users/me/avatar", { token: user.tokens.accessToken });
    assert.equal(Me.parse(removed.body).avatar, null);
    assert.equal((await fetchFile(second.avatar?.thumbUrl ?? "")).response.status, 404);
  });

  test("a pixel flood (a tiny PNG claiming 50,000 × 50,000) is refused fast, before decoding", async () => {
    const bomb = pngClaiming(50_000, 50_000);
    assert.ok(bomb.length < 100);
    const started = performance.now();
    const reply = await upload(bomb, { type: "image/png" });
    assert.equal(reply.status, 413);
    assert.equal(reply.code, "UPLOAD_TOO_LARGE");
    assert.ok(performance.now() - started < 1000, "refused without decoding");
    assert.equal((await upload(pngClaiming(5001, 5000))).code, "UPLOAD_TOO_LARGE", "just over 25 megapixels");
  });

  test("files over 5 MB are refused with 413", async () => {
    const big = Buffer.concat([await solidImage("png"), Buffer.alloc(5 * 1024 * 1024)]);
    const reply = await upload(big, { type: "image/png" });
    assert.equal(reply.status, 413);
    assert.equal(reply.code, "UPLOAD_TOO_LARGE");
  });

  test("SVG, GIF, HTML and text are refused by content whatever they are called", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    const gif = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
    const cases: [Buffer, string, string][] = [
      [svg, "avatar.svg", "image/svg+xml"],
      [svg, "avatar.png", "image/png"],
      [gif, "avatar.gif", "image/gif"],
      [Buffer.from("<html><script>alert(1)</script></html>"), "avatar.jpg", "image/jpeg"],
      [Buffer.from("just text"), "avatar.webp", "image/webp"],
    ];
    for (const [data, name, type] of cases) {
      const reply = await upload(data, { name, type });
      assert.equal(reply.status, 415, name);
      assert.equal(reply.code, "UPLOAD_UNSUPPORTED", name);
    }
  });

  test("a polyglot (a valid PNG carrying HTML) is re-encoded: nothing of the payload is served", async () => {
    const payload = "<html><script>alert(document.cookie)</script></html>";
    const reply = await upload(await polyglotPng(payload), { name: "x.html", type: "text/html" });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const me = Me.parse(reply.body);
    for (const url of [me.avatar?.url ?? "", me.avatar?.thumbUrl ?? ""]) {
      const { response, data } = await fetchFile(url);
      assert.equal(response.headers.get("content-type"), "image/webp");
      assert.ok(!data.includes("<script>"), "the payload is gone");
    }
  });

  test("damaged images with a valid signature are refused with 400", async () => {
    const png = await solidImage("png", 200, 200);
    const truncated = png.subarray(0, 40);
    for (const data of [truncated, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 7)])]) {
      const reply = await upload(data);
      assert.equal(reply.status, 400);
      assert.equal(reply.code, "UPLOAD_INVALID");
    }
  });

  test("client file names never reach the disk: `../` names write nothing outside the upload folder", async () => {
    const before = new Set(filesUnder(server.dataDir));
    for (const name of ["../../evil.png", "..\\..\\evil.png", "/etc/evil.png", "avatars/../../evil.png"]) {
      assert.equal((await upload(await solidImage("png"), { name })).status, 200);
    }
    const added = filesUnder(server.dataDir).filter((f) => !before.has(f));
    assert.ok(added.length > 0);
    for (const file of added) assert.match(relative(server.dataDir, file), /^uploads\/avatars\/[A-Za-z0-9_-]{22}(-thumb)?\.webp$/);
    assert.equal(existsSync(join(server.dataDir, "..", "evil.png")), false);
    for (const path of [
      "/api/media/avatars/..%2F..%2Fsecret.key",
      "/api/media/avatars/%2e%2e%2fsecret.key",
      "/api/media/avatars/secret.key",
      "/api/media/avatars/....webp",
    ]) {
      const { response, data } = await fetchFile(path);
      assert.equal(response.status, 404, path);
      assert.ok(!data.toString().includes("BEGIN") && data.length < 200);
    }
  });

  test("deleting the account deletes its avatar files", async () => {
    const other = await signIn(server);
    const me = Me.parse((await upload(await solidImage("png"), { token: other.tokens.accessToken })).body);
    assert.equal((await call(server, "DELETE", "/api/users/me", { token: other.tokens.accessToken })).status, 204);
    for (const url of [me.avatar?.url ?? "", me.avatar?.thumbUrl ?? ""]) assert.equal((await fetchFile(url)).response.status, 404);
  });

  test("bad requests: no file, another field, not multipart, not signed in", async () => {
    assert.equal((await upload(await solidImage("png"), { field: "image" })).code, "UPLOAD_INVALID");
    const json = await call(server, "PUT", "/api/users/me/avatar", { token: user.tokens.accessToken, body: { file: "x" } });
    assert.equal(json.status, 400);
    assert.equal(codeOf(json), "UPLOAD_INVALID");
    const anonymous = await fetch(`${server.url}/api/users/me/avatar`, { method: "PUT", body: new FormData() });
    assert.equal(anonymous.status, 401);
  });
});
