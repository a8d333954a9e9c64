import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";

/**
 * A device's ECDSA P-256 key, as the desktop sends it: base64url of the SPKI DER of its public key
 * (WebCrypto `exportKey("spki")`). Signatures are IEEE-P1363 (r‖s), what WebCrypto makes.
 */

/** The key, or null when the text is not a P-256 public key in SPKI DER. Never throws. */
export function parseDeviceKey(publicKey: string): KeyObject | null {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, "base64url"), format: "der", type: "spki" });
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") return null;
    return key;
  } catch {
    return null;
  }
}

/** base64url of SHA-256 of the SPKI DER: what the QR carries as `fp`. */
export function keyFingerprint(publicKey: string): string {
  return createHash("sha256").update(Buffer.from(publicKey, "base64url")).digest("base64url");
}

/** Whether `signature` (base64url, P1363) is the key's signature over `data` (UTF-8). Never throws. */
export function signatureValid(publicKey: string | KeyObject, data: string, signature: string): boolean {
  const key = typeof publicKey === "string" ? parseDeviceKey(publicKey) : publicKey;
  if (!key) return false;
  const bytes = Buffer.from(signature, "base64url");
  if (bytes.length !== 64) return false;
  try {
    return verify("sha256", Buffer.from(data, "utf8"), { key, dsaEncoding: "ieee-p1363" }, bytes);
  } catch {
    return false;
  }
}
