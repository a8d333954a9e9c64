import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify } from "node:crypto";
import { test } from "node:test";
import { linkSignedData, refreshSignedData } from "@easyqr/protocol";
import { base64url, DeviceKeys, refreshSigner } from "./deviceKey.ts";

const fromBase64url = (text: string) => Buffer.from(text, "base64url");

test("the key is P-256, its public half is SPKI DER the server's node:crypto reads, its fingerprint is SHA-256 of that", async () => {
  const keys = new DeviceKeys("keys-shape");
  const key = await keys.get();
  assert.match(key.publicKey, /^[A-Za-z0-9_-]+$/);
  assert.ok(key.publicKey.length <= 200, `${key.publicKey.length} characters`);
  const parsed = createPublicKey({ key: fromBase64url(key.publicKey), format: "der", type: "spki" });
  assert.equal(parsed.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.equal(key.fingerprint, createHash("sha256").update(fromBase64url(key.publicKey)).digest("base64url"));
  assert.equal(key.fingerprint.length, 43);
  keys.close();
});

test("signatures are IEEE-P1363 base64url that node verifies, and fail for other text", async () => {
  const keys = new DeviceKeys("keys-sign");
  const key = await keys.get();
  const text = linkSignedData("0190a1b2-link", "ticket-abc");
  assert.equal(text, "link:0190a1b2-link.ticket-abc");
  const signature = await key.sign(text);
  assert.equal(signature.length, 86);
  const publicKey = createPublicKey({ key: fromBase64url(key.publicKey), format: "der", type: "spki" });
  const check = (data: string) => verify("sha256", Buffer.from(data), { key: publicKey, dsaEncoding: "ieee-p1363" }, fromBase64url(signature));
  assert.equal(check(text), true);
  assert.equal(check(refreshSignedData("ticket-abc", 1)), false);
  assert.equal(refreshSignedData("tok", 1700000000000), "refresh:tok.1700000000000");
  keys.close();
});

test("the key survives a reopen, its private half cannot be exported, and forget() makes the next one new", async () => {
  const first = new DeviceKeys("keys-persist");
  const [a, b] = await Promise.all([first.get(), first.get()]);
  assert.equal(a.publicKey, b.publicKey, "concurrent callers share one key");
  first.close();

  const again = new DeviceKeys("keys-persist");
  const reopened = await again.get();
  assert.equal(reopened.publicKey, a.publicKey);

  const { openDB } = await import("idb");
  const db = await openDB("keys-persist", 1);
  const stored = (await db.get("keys", "desktop")) as { privateKey: CryptoKey };
  db.close();
  assert.equal(stored.privateKey.extractable, false);
  await assert.rejects(crypto.subtle.exportKey("pkcs8", stored.privateKey));

  await again.forget();
  assert.equal(await again.current(), undefined);
  const fresh = await again.get();
  assert.notEqual(fresh.publicKey, a.publicKey);
  again.close();
});

test("base64url has no padding and the URL-safe alphabet", () => {
  assert.equal(base64url(new Uint8Array([0xfb, 0xff, 0xfe])), "-__-");
  assert.equal(base64url(new Uint8Array([1])), "AQ");
});

test("the refresh signer proves with the stored key over refresh:<token>.<at>, and has nothing without a key", async () => {
  const keys = new DeviceKeys("keys-signer");
  const signer = refreshSigner(keys, () => 1_700_000_000_000);
  assert.equal(await signer.prove("tok"), undefined);
  const key = await keys.get();
  const proof = await signer.prove("tok");
  assert.equal(proof?.at, 1_700_000_000_000);
  const publicKey = createPublicKey({ key: fromBase64url(key.publicKey), format: "der", type: "spki" });
  assert.ok(verify("sha256", Buffer.from("refresh:tok.1700000000000"), { key: publicKey, dsaEncoding: "ieee-p1363" }, fromBase64url(proof?.signature ?? "")));
  await signer.forget();
  assert.equal(await keys.current(), undefined);
  keys.close();
});
