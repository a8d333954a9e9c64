import assert from "node:assert/strict";
import { test } from "node:test";
import { sniffChatImage, sniffImage } from "./sniff.ts";

test("images are recognised by their first bytes only", () => {
  assert.equal(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0])), "jpeg");
  assert.equal(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), "png");
  assert.equal(sniffImage(Buffer.from("RIFF\x00\x00\x00\x00WEBPVP8 ", "latin1")), "webp");
  assert.equal(sniffImage(Buffer.from("RIFF\x00\x00\x00\x00WAVEfmt ", "latin1")), undefined);
  assert.equal(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  assert.equal(sniffImage(Buffer.from("GIF89a")), undefined);
  assert.equal(sniffImage(Buffer.from("<html><img src=x></html>\xff\xd8\xff", "latin1")), undefined);
  assert.equal(sniffImage(new Uint8Array()), undefined);
});

test("chat images also take GIF, by content", () => {
  assert.equal(sniffChatImage(Buffer.from("GIF89a\x01\x00", "latin1")), "gif");
  assert.equal(sniffChatImage(Buffer.from("GIF87a", "latin1")), "gif");
  assert.equal(sniffChatImage(Buffer.from("GIF8", "latin1")), undefined);
  assert.equal(sniffChatImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), "jpeg");
  assert.equal(sniffChatImage(Buffer.from("<svg/>")), undefined);
});
