import assert from "node:assert/strict";
import { readdirSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { Me } from "@easyqr/protocol";
import { call, type SignedIn } from "./support/api.ts";
import { abortMidBody, abortMidDownload, filesUnder, multipartBody, rawUpload, uploaded, type Part } from "./support/attachments.ts";
import { openChat } from "./support/chat.ts";
import { connect, makeUsers } from "./support/contacts.ts";
import { startServer, type LogLine, type TestServer } from "./support/harness.ts";
import { solidImage } from "./support/images.ts";

// Both upload routes take exactly one multipart part, the file `file`, and treat a client that
// leaves mid-request as the client's doing: one quiet log line, nothing kept.

let server: TestServer;
let alice: SignedIn;
let bob: SignedIn;
let chatId: string;
let png: Buffer;
before(async () => {
  server = await startServer({ authLimits: { sendsPerIp: 10_000 } });
  [alice, bob] = (await makeUsers(server, 2, "upreq")) as [SignedIn, SignedIn];
  await connect(server, alice, bob);
  chatId = (await openChat(server, alice, bob)).id;
  png = await solidImage("png");
});
after(() => server.close());

type Route = { name: string; method: string; path: () => string };
const avatarRoute: Route = { name: "avatar", method: "PUT", path: () => "/api/users/me/avatar" };
const routes: Route[] = [avatarRoute, { name: "attachment", method: "POST", path: () => `/api/chats/${chatId}/attachments` }];

/** Everything an upload may leave behind: stored files, spooled files, attachment rows, Alice's avatar. */
async function leftovers() {
  const files = filesUnder(server.dataDir)
    .map((f) => relative(server.dataDir, f))
    .filter((f) => f.startsWith("uploads/") || f.startsWith("spool/"));
  const rows = (await server.app.database.db.selectFrom("attachments").select("id").execute()).length;
  const avatar = Me.parse((await call(server, "GET", "/api/users/me", { token: alice.tokens.accessToken })).body).avatar;
  return { files, rows, avatar };
}

async function send(route: Route, parts: Part[]) {
  const { contentType, body } = multipartBody(parts);
  return rawUpload(server, route.path(), alice.tokens.accessToken, { method: route.method, contentType, contentLength: body.length, chunks: [body] });
}

const codeIn = (reply: { body: string }) => (JSON.parse(reply.body) as { error?: { code?: string } }).error?.code;

const file = (data: Buffer | string, name = "file", filename = "a.png"): Part => ({ name, filename, data });
const field = (name: string, data = "x"): Part => ({ name, data });

describe("one part, the file, and nothing else", () => {
  const invalid: Record<string, () => Part[]> = {
    "two files (the first a valid image)": () => [file(png), file(png, "file", "b.png")],
    "the file, then a second file under another name": () => [file(png), file("x", "other", "b.bin")],
    "the file, then a field": () => [file(png), field("caption")],
    "a field, then the file": () => [field("caption"), file(png)],
    "the file, then 1,000 fields": () => [file(png), ...Array.from({ length: 1000 }, (_, i) => field(`f${i}`))],
    "1,000 fields, then the file": () => [...Array.from({ length: 1000 }, (_, i) => field(`f${i}`)), file(png)],
    "the file under a 100 KB field name": () => [file(png, "f".repeat(100_000))],
    "a field with a 100 KB name, then the file": () => [field("f".repeat(100_000)), file(png)],
    "a field named file": () => [field("file", "not a file")],
    "no parts at all": () => [],
  };
  for (const route of routes) {
    for (const [what, parts] of Object.entries(invalid)) {
      test(`${route.name}: ${what} is UPLOAD_INVALID, and nothing is kept`, async () => {
        const before = await leftovers();
        const reply = await send(route, parts());
        assert.equal(reply.status, 400, reply.body);
        assert.equal(codeIn(reply), "UPLOAD_INVALID");
        assert.deepEqual(await leftovers(), before);
      });
    }

    test(`${route.name}: the one file alone is taken`, async () => {
      const reply = await send(route, [file(png)]);
      assert.equal(reply.status, 200, reply.body);
    });
  }

  test("a second file is refused as soon as its part begins: its bytes are not read", async () => {
    const { contentType, body } = multipartBody([file(png), file(Buffer.alloc(1, 1), "file", "b.bin")]);
    // The second file's part, announced and then never finished: 10 MB more would follow.
    const open = body.subarray(0, body.lastIndexOf("\r\n--"));
    for (const route of routes) {
      const reply = await rawUpload(server, route.path(), alice.tokens.accessToken, {
        method: route.method,
        contentType,
        contentLength: open.length + 10 * 1024 * 1024,
        chunks: [open],
        hold: true,
      });
      assert.equal(reply.status, 400, route.name);
      assert.equal(codeIn(reply), "UPLOAD_INVALID");
      assert.equal(reply.finishedSending, false);
    }
  });
});

/** The log lines written since `mark`, once the server has written `until` of them (and a moment more for any that would follow). */
async function linesSince(mark: number, until = 1): Promise<LogLine[]> {
  const deadline = Date.now() + 5000;
  while (server.logs.length - mark < until && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return server.logs.slice(mark);
}

function assertOneQuietLine(lines: LogLine[]) {
  assert.equal(lines.length, 1, JSON.stringify(lines));
  const [line] = lines as [LogLine];
  assert.ok(line.level === 30 || line.level === 40, `info or warn, not ${line.level}`);
  assert.ok(!JSON.stringify(line).includes("stack"), "no stack trace");
}

describe("a client that leaves mid-request", () => {
  for (const route of routes) {
    const cases = [
      { when: "while the file arrives", sent: 0.5, waitMs: 300 },
      { when: "right after the head", sent: 0.5, waitMs: 0 },
      // Small enough to be all read at once: the server sees the close before the handler runs.
      { when: "after a few bytes", sent: 100, waitMs: 0 },
    ];
    for (const { when, sent, waitMs } of cases) {
      test(`${route.name}: an upload aborted ${when} is one info line without a stack, and leaves nothing`, async () => {
        const before = await leftovers();
        const { contentType, body } = multipartBody([file(Buffer.alloc(2 * 1024 * 1024, 7), "file", "big.bin")]);
        const mark = server.logs.length;
        await abortMidBody(
          server,
          { method: route.method, path: route.path(), token: alice.tokens.accessToken, contentType, contentLength: body.length },
          body.subarray(0, sent < 1 ? body.length * sent : sent),
          waitMs,
        );
        const lines = await linesSince(mark);
        assertOneQuietLine(lines);
        assert.equal(lines[0]?.msg, "client went away mid-request");
        assert.deepEqual(await leftovers(), before);
      });
    }
  }

  test("a download left mid-way logs nothing at error level, and the file is closed", async () => {
    const big = await uploaded(server, chatId, Buffer.alloc(16 * 1024 * 1024, 5), { token: alice.tokens.accessToken, name: "big.bin" });
    const me = Me.parse(JSON.parse((await send(avatarRoute, [file(png)])).body));
    const mark = server.logs.length;
    assert.match(await abortMidDownload(server, big.url, alice.tokens.accessToken), /^HTTP\/1\.1 200/);
    assert.match(await abortMidDownload(server, me.avatar?.url ?? ""), /^HTTP\/1\.1 200/);
    const lines = await linesSince(mark, 0);
    assert.ok(lines.length <= 1, JSON.stringify(lines));
    for (const line of lines) assert.ok(line.level < 50 && !JSON.stringify(line).includes("stack"), JSON.stringify(line));
    assert.equal(openHandlesTo("uploads/attachments/"), 0, "the attachment's file is closed");
    const again = await fetch(`${server.url}${big.url}`, { headers: { authorization: `Bearer ${alice.tokens.accessToken}` } });
    assert.equal((await again.arrayBuffer()).byteLength, big.size, "served whole again");
  });
});

/** How many of this process's open file descriptors point into a folder of the server's data (Linux). */
function openHandlesTo(folder: string): number {
  const fds = readdirSync("/proc/self/fd").map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return "";
    }
  });
  return fds.filter((target) => target.startsWith(join(server.dataDir, folder))).length;
}
