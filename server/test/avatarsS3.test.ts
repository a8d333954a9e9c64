import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Me } from "@easyqr/protocol";
import { call, signIn, type SignedIn } from "./support/api.ts";
import { abortMidDownload, download, uploaded } from "./support/attachments.ts";
import { openChat } from "./support/chat.ts";
import { connect, makeUsers } from "./support/contacts.ts";
import { fakeS3, s3Env } from "./support/fakeS3.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { solidImage } from "./support/images.ts";

describe("S3-compatible storage", () => {
  const s3 = fakeS3();
  let server: TestServer;
  before(async () => {
    server = await startServer({ env: s3Env(await s3.start(), "avatars-bucket") });
  });
  after(async () => {
    await server.close();
    await s3.stop();
  });

  test("uploads are signed PUTs into the bucket, served back through the server, and deleted when replaced", async () => {
    const { tokens } = await signIn(server);
    const form = new FormData();
    form.append("file", new Blob([await solidImage("png")]), "a.png");
    const response = await fetch(`${server.url}/api/users/me/avatar`, {
      method: "PUT",
      headers: { authorization: `Bearer ${tokens.accessToken}` },
      body: form,
    });
    assert.equal(response.status, 200);
    const me = Me.parse(await response.json());
    const name = me.avatar?.url.split("/").pop() ?? "";

    const puts = s3.requests.filter((r) => r.method === "PUT");
    assert.deepEqual(
      puts.map((r) => r.path).sort(),
      [`/avatars-bucket/avatars/${name}`, `/avatars-bucket/avatars/${name.replace(".webp", "-thumb.webp")}`].sort(),
    );
    for (const put of puts) {
      assert.match(
        String(put.headers.authorization),
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/,
      );
      assert.equal(put.headers["content-type"], "image/webp");
      assert.ok(put.headers["x-amz-content-sha256"] || put.headers["x-amz-decoded-content-length"]);
    }
    assert.equal(s3.objects.get(`/avatars-bucket/avatars/${name}`)?.cacheControl, "public, max-age=31536000, immutable");

    const served = await fetch(`${server.url}${me.avatar?.url ?? ""}`);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), "image/webp");
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), s3.objects.get(`/avatars-bucket/avatars/${name}`)?.data);

    await call(server, "DELETE", "/api/users/me/avatar", { token: tokens.accessToken });
    assert.equal(s3.objects.size, 0, "both files deleted");
    assert.equal((await fetch(`${server.url}${me.avatar?.url ?? ""}`)).status, 404, "a missing object is a 404");
    assert.ok(!JSON.stringify(server.logs).includes("wJalrXUtnFEMI-secret"), "the secret key is never logged");
  });

  test("chat attachments stream into the bucket under random keys, come back byte for byte, and are deleted with their message", async () => {
    const [a, b] = (await makeUsers(server, 2, "s3att")) as [SignedIn, SignedIn];
    await connect(server, a, b);
    const chatId = (await openChat(server, a, b)).id;
    const data = Buffer.alloc(2 * 1024 * 1024 + 3, 9);
    const before = s3.objects.size;
    const file = await uploaded(server, chatId, data, { token: a.tokens.accessToken, name: "../notes.txt" });
    const image = await uploaded(server, chatId, await solidImage("png"), { token: a.tokens.accessToken });
    const keys = [...s3.objects.keys()].slice(before);
    assert.equal(keys.length, 3);
    for (const key of keys) assert.match(key, /^\/avatars-bucket\/attachments\/[A-Za-z0-9_-]{22}(-thumb)?\.(bin|webp)$/);
    const put = s3.requests.find((r) => r.method === "PUT" && r.path.endsWith(".bin"));
    assert.equal(put?.headers["content-length"], String(data.length), "a plain Content-Length, no aws-chunked body");
    assert.ok((await download(server, file.url, a.tokens.accessToken)).data.equals(data));
    assert.equal((await download(server, image.thumbUrl ?? "", a.tokens.accessToken)).response.headers.get("content-type"), "image/webp");
    await server.app.attachments.removeOfChat(chatId);
    assert.equal(s3.objects.size, before);
  });

  test("a client that leaves mid-download: no error logged, the next download is whole", async () => {
    const [a, b] = (await makeUsers(server, 2, "s3left")) as [SignedIn, SignedIn];
    await connect(server, a, b);
    const chatId = (await openChat(server, a, b)).id;
    const data = Buffer.alloc(8 * 1024 * 1024, 4);
    const file = await uploaded(server, chatId, data, { token: a.tokens.accessToken });
    const mark = server.logs.length;
    assert.match(await abortMidDownload(server, file.url, a.tokens.accessToken), /^HTTP\/1\.1 200/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      server.logs.slice(mark).filter((line) => line.level >= 50 || JSON.stringify(line).includes("stack")),
      [],
    );
    assert.ok((await download(server, file.url, a.tokens.accessToken)).data.equals(data));
  });
});
