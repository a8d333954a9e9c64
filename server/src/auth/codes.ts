import { createHash, createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { OTP_LENGTH } from "@easyqr/protocol";

/** A one-time code: 6 digits from the CSPRNG, uniformly distributed. */
export function newOtpCode(): string {
  return randomInt(0, 10 ** OTP_LENGTH)
    .toString()
    .padStart(OTP_LENGTH, "0");
}

/**
 * Codes are stored only as HMAC-SHA256 with a key derived from the app secret, over
 * `<requestId>:<code>`: a stolen table reveals no code, and a code works only for the
 * request that issued it.
 */
export class OtpHasher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash("sha256").update(`otp:${secret}`).digest();
  }

  hash(requestId: string, code: string): string {
    return createHmac("sha256", this.key).update(`${requestId}:${code}`).digest("base64url");
  }

  /** Constant-time comparison. */
  matches(requestId: string, code: string, hash: string): boolean {
    const a = Buffer.from(this.hash(requestId, code));
    const b = Buffer.from(hash);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
