import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Me, VerifyCodeResponse } from "@easyqr/protocol";
import { call, codeOf, loggedCode, newEmail } from "./support/api.ts";
import { allMessages, chatPair, request, roomyChatLimits, send } from "./support/chat.ts";
import { startServer, type TestServer } from "./support/harness.ts";

/**
 * What people type goes into every text field the same way on SQLite and PostgreSQL: control
 * characters and broken Unicode are refused with VALIDATION (PostgreSQL cannot store U+0000; it
 * was a 500), oversized text is refused by its length, and right-to-left overrides are stored as sent.
 */
let server: TestServer;
before(async () => (server = await startServer({ chatLimits: roomyChatLimits })));
after(() => server.close());

const refused: Record<string, string> = {
  NUL: "Ada\u0000Lovelace",
  "a lone surrogate": "Ada\ud800",
  "10 KB of combining marks": `A${"\u0301".repeat(10_240)}`,
  "an escape sequence": "Ada\u001b[31m",
};
const rtl = "\u202eecalevoL adA";

describe("profile text", () => {
  test("name and bio refuse control characters, broken Unicode and oversize text, and keep RTL overrides", async () => {
    const { pair } = await pairOf();
    const token = pair.a.tokens.accessToken;
    for (const field of ["name", "bio"]) {
      for (const [what, value] of Object.entries(refused)) {
        const reply = await call(server, "PATCH", "/api/users/me", { token, body: { [field]: value } });
        assert.equal(reply.status, 400, `${field} with ${what}: ${JSON.stringify(reply.body)}`);
        assert.equal(codeOf(reply), "VALIDATION");
        assert.match(JSON.stringify(reply.body), new RegExp(field === "name" ? "name" : "bio"));
      }
      const stored = Me.parse((await call(server, "PATCH", "/api/users/me", { token, body: { [field]: rtl } })).body);
      assert.equal(stored[field as "name" | "bio"], rtl);
    }
    const multiline = Me.parse((await call(server, "PATCH", "/api/users/me", { token, body: { bio: "line one\nline two" } })).body);
    assert.equal(multiline.bio, "line one\nline two");
    const me = Me.parse((await call(server, "GET", "/api/users/me", { token })).body);
    assert.equal(me.name, rtl);
  });
});

describe("message text", () => {
  test("SEND and EDIT refuse control characters and broken Unicode; RTL overrides and line breaks round-trip", async () => {
    const { pair } = await pairOf();
    const { chat, socketA } = pair;
    for (const [what, value] of Object.entries(refused)) {
      const sent = await request(socketA, { type: "SEND", chatId: chat.id, text: value });
      assert.equal(sent.error?.code, "VALIDATION", `SEND with ${what}`);
    }
    const original = await send(socketA, chat.id, `${rtl}\n\ttwo`);
    for (const [what, value] of Object.entries(refused)) {
      const edited = await request(socketA, { type: "EDIT", messageId: original.id, text: value });
      assert.equal(edited.error?.code, "VALIDATION", `EDIT with ${what}`);
    }
    const edited = await request(socketA, { type: "EDIT", messageId: original.id, text: `${rtl} edited` });
    assert.equal(edited.message?.text, `${rtl} edited`);
    const stored = await allMessages(server, pair.b, chat.id);
    assert.deepEqual(
      stored.map((m) => m.text),
      [`${rtl} edited`],
    );
    socketA.close();
    pair.socketB.close();
  });
});

describe("sign-in text", () => {
  test("a device name or request id with NUL is refused and the code still works", async () => {
    const email = newEmail("nul");
    const requested = await call(server, "POST", "/api/auth/request-code", { body: { email } });
    const { requestId } = requested.body as { requestId: string };
    const code = loggedCode(server, email);
    for (const [what, value] of Object.entries(refused)) {
      const reply = await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code, device: { name: value, platform: "Linux" } } });
      assert.equal(codeOf(reply), "VALIDATION", `device name with ${what}`);
    }
    const badId = await call(server, "POST", "/api/auth/verify-code", { body: { requestId: `${requestId}\u0000`, code } });
    assert.equal(codeOf(badId), "VALIDATION");
    const verified = await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code, device: { name: rtl, platform: "Linux" } } });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    VerifyCodeResponse.parse(verified.body);
  });
});

let pairs = 0;
async function pairOf() {
  return { pair: await chatPair(server, `text${++pairs}`) };
}
