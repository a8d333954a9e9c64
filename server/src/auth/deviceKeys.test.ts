import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { test } from "node:test";
import { keyFingerprint, parseDeviceKey, signatureValid } from "./deviceKeys.ts";

async function webCryptoKey() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const publicKey = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64url");
  const signText = async (text: string) =>
    Buffer.from(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, new TextEncoder().encode(text))).toString("base64url");
  return { publicKey, signText };
}

test("a WebCrypto P-256 key and its signatures are accepted", async () => {
  const { publicKey, signText } = await webCryptoKey();
  assert.ok(publicKey.length <= 200);
  assert.ok(parseDeviceKey(publicKey));
  const signature = await signText("link:a.b");
  assert.equal(signature.length, 86);
  assert.ok(signatureValid(publicKey, "link:a.b", signature));
  assert.equal(signatureValid(publicKey, "link:a.c", signature), false);
});

test("the fingerprint is SHA-256 of the SPKI DER, as WebCrypto computes it", async () => {
  const { publicKey } = await webCryptoKey();
  const digest = Buffer.from(await crypto.subtle.digest("SHA-256", Buffer.from(publicKey, "base64url"))).toString("base64url");
  assert.equal(keyFingerprint(publicKey), digest);
  assert.equal(digest.length, 43);
});

test("other curves, RSA, Ed25519 and garbage are not device keys", () => {
  const spki = (key: ReturnType<typeof generateKeyPairSync>["publicKey"]) => key.export({ format: "der", type: "spki" }).toString("base64url");
  assert.equal(parseDeviceKey(spki(generateKeyPairSync("ec", { namedCurve: "secp384r1" }).publicKey)), null);
  assert.equal(parseDeviceKey(spki(generateKeyPairSync("ed25519").publicKey)), null);
  assert.equal(parseDeviceKey(spki(generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey)), null);
  for (const junk of ["", "AAAA", "x".repeat(122), Buffer.alloc(91).toString("base64url")]) assert.equal(parseDeviceKey(junk), null);
});

test("a signature of another key, a DER signature or garbage is refused without throwing", async () => {
  const { publicKey } = await webCryptoKey();
  const other = await webCryptoKey();
  assert.equal(signatureValid(publicKey, "x", await other.signText("x")), false);
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  assert.equal(signatureValid(publicKey, "x", sign("sha256", Buffer.from("x"), privateKey).toString("base64url")), false);
  for (const junk of ["", "A".repeat(86), "%%%"]) assert.equal(signatureValid(publicKey, "x", junk), false);
  assert.equal(signatureValid("not a key", "x", "A".repeat(86)), false);
});

test("fuzz: random keys and signatures never throw and never pass", async () => {
  const { publicKey } = await webCryptoKey();
  const spki = Buffer.from(publicKey, "base64url");
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.from(crypto.getRandomValues(new Uint8Array(1 + (i % 130))));
    // Random bytes, and the real key with one byte flipped (a curve point off the curve, a wrong OID …).
    const flipped = Buffer.from(spki);
    const at = i % flipped.length;
    flipped[at] = flipped[at]! ^ (1 + (i % 255));
    for (const candidate of [bytes, flipped]) {
      const text = candidate.toString("base64url");
      const key = parseDeviceKey(text);
      if (key) assert.equal(signatureValid(key, "x", bytes.toString("base64url")), false);
    }
    assert.equal(signatureValid(publicKey, "x", Buffer.from(crypto.getRandomValues(new Uint8Array(64))).toString("base64url")), false);
  }
});
