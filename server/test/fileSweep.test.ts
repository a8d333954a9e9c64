import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { Me } from "@easyqr/protocol";
import type { SignedIn } from "./support/api.ts";
import { download, filesUnder, multipartBody, rawUpload, uploaded } from "./support/attachments.ts";
import { openChat } from "./support/chat.ts";
import { connect, makeUsers } from "./support/contacts.ts";
import { fakeS3, s3Env } from "./support/fakeS3.ts";
import { startServer, type TestServer } from "./support/harness.ts";
import { solidImage } from "./support/images.ts";

// A crash between a commit and a file operation leaves a file no row points to, or a row whose
// file is gone. The sweep removes the first (when older than an hour: younger ones may belong to
// an upload whose row is on its way) and reports the second.

const minute = 60_000;

/** The files of one storage driver, as the test sees them from outside the server. */
type Files = {
  keys: () => string[];
  /** Sets a file's last-written time `ms` into the past. */
  age: (key: string, ms: number) => void;
  /** Writes a file no row points to, `ageMs` old. */
  plant: (key: string, ageMs: number) => void;
  remove: (key: string) => void;
};

const drivers: { name: string; start: () => Promise<{ server: TestServer; files: Files; stop: () => Promise<void> }> }[] = [
  {
    name: "disk",
    async start() {
      const server = await startServer({ authLimits: { sendsPerIp: 10_000 } });
      const root = join(server.dataDir, "uploads");
      const age = (key: string, ms: number) => {
        const time = (Date.now() - ms) / 1000;
        utimesSync(join(root, key), time, time);
      };
      const files: Files = {
        keys: () =>
          filesUnder(root)
            .map((path) => relative(root, path))
            .sort(),
        age,
        plant: (key, ageMs) => {
          mkdirSync(dirname(join(root, key)), { recursive: true });
          writeFileSync(join(root, key), "left behind");
          age(key, ageMs);
        },
        remove: (key) => rmSync(join(root, key)),
      };
      return { server, files, stop: () => server.close() };
    },
  },
  {
    name: "S3",
    async start() {
      const s3 = fakeS3();
      const server = await startServer({ authLimits: { sendsPerIp: 10_000 }, env: s3Env(await s3.start(), "sweep-bucket") });
      const path = (key: string) => `/sweep-bucket/${key}`;
      const files: Files = {
        keys: () => [...s3.objects.keys()].map((p) => p.slice("/sweep-bucket/".length)).sort(),
        age: (key, ms) => {
          const object = s3.objects.get(path(key));
          if (object) object.modifiedAt = Date.now() - ms;
        },
        plant: (key, ageMs) =>
          s3.objects.set(path(key), { data: Buffer.from("left behind"), contentType: "image/webp", cacheControl: "", modifiedAt: Date.now() - ageMs }),
        remove: (key) => s3.objects.delete(path(key)),
      };
      return { server, files, stop: async () => (await server.close(), await s3.stop()) };
    },
  },
];

const randomId = () => randomBytes(16).toString("base64url");

async function setAvatar(server: TestServer, user: SignedIn): Promise<string> {
  const { contentType, body } = multipartBody([{ name: "file", filename: "a.png", data: await solidImage("png") }]);
  const reply = await rawUpload(server, "/api/users/me/avatar", user.tokens.accessToken, {
    method: "PUT",
    contentType,
    contentLength: body.length,
    chunks: [body],
  });
  const me = Me.parse(JSON.parse(reply.body));
  return (me.avatar?.url ?? "").split("/").pop()?.replace(".webp", "") ?? "";
}

for (const driver of drivers) {
  describe(`the file sweep (${driver.name})`, () => {
    let server: TestServer;
    let files: Files;
    let stop: () => Promise<void>;
    before(async () => ({ server, files, stop } = await driver.start()));
    after(() => stop());

    test("removes old files no row points to, keeps young ones and every file a row points to, reports rows whose file is missing", async () => {
      const [alice, bob] = (await makeUsers(server, 2, `sweep${driver.name}`)) as [SignedIn, SignedIn];
      await connect(server, alice, bob);
      const chatId = (await openChat(server, alice, bob)).id;
      await setAvatar(server, alice);
      const bobsAvatar = await setAvatar(server, bob);
      const image = await uploaded(server, chatId, await solidImage("jpeg"), { token: alice.tokens.accessToken });
      const file = await uploaded(server, chatId, Buffer.from("notes"), { token: alice.tokens.accessToken, name: "notes.txt" });
      const fileKey = (await server.app.database.db.selectFrom("attachments").select("storageKey").where("id", "=", file.id).executeTakeFirstOrThrow())
        .storageKey;
      // Old enough to go, were no row pointing to them: only the rows keep them.
      for (const key of files.keys()) files.age(key, 2 * 60 * minute);

      const oldOrphans = [`avatars/${randomId()}.webp`, `avatars/${randomId()}-thumb.webp`, `attachments/${randomId()}.bin`];
      for (const key of oldOrphans) files.plant(key, 2 * 60 * minute);
      const youngOrphans = [`attachments/${randomId()}.webp`, `avatars/${randomId()}.webp`];
      files.plant(youngOrphans[0] ?? "", 50 * minute);
      files.plant(youngOrphans[1] ?? "", 0);
      files.remove(`avatars/${bobsAvatar}-thumb.webp`);
      files.remove(fileKey);
      const kept = files.keys().filter((key) => !oldOrphans.includes(key));

      const mark = server.logs.length;
      const reports = await server.app.fileSweep.run();
      assert.deepEqual(files.keys(), kept, "the old orphans are gone, nothing else");
      assert.deepEqual(reports, [
        { folder: "avatars", removed: 2, missing: [bob.user.id] },
        { folder: "attachments", removed: 1, missing: [file.id] },
      ]);
      const warnings = server.logs.slice(mark).filter((line) => line.level === 40);
      assert.deepEqual(
        warnings.map(({ msg, folder, count, userIds, attachmentIds }) => ({ msg, folder, count, ids: userIds ?? attachmentIds })),
        [
          { msg: "rows point to missing files", folder: "avatars", count: 1, ids: [bob.user.id] },
          { msg: "rows point to missing files", folder: "attachments", count: 1, ids: [file.id] },
        ],
      );
      assert.ok(!server.logs.slice(mark).some((line) => line.level >= 50));

      const { response, data } = await download(server, image.url, alice.tokens.accessToken);
      assert.equal(response.status, 200);
      assert.ok(data.length > 0, "a file a row points to is still served");

      const again = await server.app.fileSweep.run();
      assert.deepEqual(
        again.map((r) => r.removed),
        [0, 0],
      );
      assert.deepEqual(files.keys(), kept);
    });
  });
}

describe("the file sweep at start", () => {
  let server: TestServer;
  before(async () => (server = await startServer()));
  after(() => server.close());

  test("a server that starts removes the orphans a crash left", async () => {
    const orphan = join(server.dataDir, "uploads", "attachments", `${randomId()}.bin`);
    mkdirSync(dirname(orphan), { recursive: true });
    writeFileSync(orphan, "left behind");
    const old = (Date.now() - 2 * 60 * minute) / 1000;
    utimesSync(orphan, old, old);
    // A second node on the same data, with its periodic jobs on (the test server has them off).
    const node = await startServer({ nodeOf: server, tickMs: 60_000 });
    try {
      const deadline = Date.now() + 5000;
      while (filesUnder(dirname(orphan)).includes(orphan) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(filesUnder(dirname(orphan)), []);
    } finally {
      await node.close();
    }
  });
});
