import assert from "node:assert/strict";
import { test } from "node:test";
import { parseGroupInvite } from "./inviteLink.ts";

const token = "AbCdEfGhIjKlMnOpQrStUv";

test("a group invite link is read with its server; contact and pairing links are not invites", () => {
  assert.deepEqual(parseGroupInvite(`http://192.168.1.5:3000/join#t=${token}`), { token, server: "http://192.168.1.5:3000" });
  assert.deepEqual(parseGroupInvite(` https://example.test/easyqr/join/#t=${token}\n`), { token, server: "https://example.test/easyqr" });
  for (const text of [
    `http://h/add#t=${token}`,
    `http://h/pair#sid=x&t=${token}`,
    `http://h/join#t=short`,
    `http://h/join#t=${token}!`,
    `http://h/join?t=${token}`,
    `ftp://h/join#t=${token}`,
    "hello",
    `http://h/join#t=${"a".repeat(5000)}`,
  ])
    assert.equal(parseGroupInvite(text), null, text.slice(0, 60));
});
