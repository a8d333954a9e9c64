import * as z from "zod/mini";
import { RefreshProof } from "./linking.ts";
import { DeviceInfo } from "./socket.ts";
import { bounded, opaqueId } from "./text.ts";
import { Me } from "./users.ts";

/** Length of a one-time sign-in code. */
export const OTP_LENGTH = 6;

/** An email address as typed; the server lower-cases it. */
export const EmailInput = z.pipe(bounded(254, "an email address is at most 254 characters").check(z.trim()), z.email());
/** A phone number as typed: international (`+44 20 …`) or national in the server's DEFAULT_REGION. */
export const PhoneInput = bounded(32, "a phone number is at most 32 characters").check(
  z.minLength(3, "a phone number is at least 3 digits"),
  z.regex(/^\+?[0-9 ()./-]+$/, "a phone number is digits, optionally starting with +"),
);

/** Where a code goes: exactly one of `email` or `phone`. */
export const IdentifierInput = z.union([z.strictObject({ email: EmailInput }), z.strictObject({ phone: PhoneInput })]);
export type IdentifierInput = z.infer<typeof IdentifierInput>;

export const RequestCodeRequest = IdentifierInput;
export type RequestCodeRequest = z.infer<typeof RequestCodeRequest>;

/** The same for known and unknown identifiers: nothing tells whether an account exists. */
export const RequestCodeResponse = z.object({
  /** Names this request; the code only works together with it. */
  requestId: z.string(),
  /** The code stops working at this time (ms since epoch). */
  expiresAt: z.int(),
  codeLength: z.literal(OTP_LENGTH),
});
export type RequestCodeResponse = z.infer<typeof RequestCodeResponse>;

export const OtpCode = bounded(OTP_LENGTH, "a code is 6 digits").check(z.regex(/^[0-9]{6}$/, "a code is 6 digits"));
/** Names one code request (`requestId` of RequestCodeResponse). */
export const OtpRequestId = opaqueId(64, "not a code request id");

export const VerifyCodeRequest = z.strictObject({ requestId: OtpRequestId, code: OtpCode, device: z.optional(DeviceInfo) });
export type VerifyCodeRequest = z.infer<typeof VerifyCodeRequest>;

/** A signed-in session: a short access token and a rotating refresh token. */
export const AuthTokens = z.object({
  /** HS256 JWT for `Authorization: Bearer …` and the socket handshake `{accessToken}`. */
  accessToken: z.string(),
  accessTokenExpiresAt: z.int(),
  /** Single use: every refresh returns a new one. Reusing an old one ends the session. */
  refreshToken: z.string(),
  /** The session's absolute end: refreshing does not extend it. */
  refreshTokenExpiresAt: z.int(),
  sessionId: z.string(),
});
export type AuthTokens = z.infer<typeof AuthTokens>;

export const VerifyCodeResponse = z.object({
  tokens: AuthTokens,
  user: Me,
  /** True when this verification created the account (show onboarding). */
  isNewUser: z.boolean(),
});
export type VerifyCodeResponse = z.infer<typeof VerifyCodeResponse>;

export const RefreshRequest = z.strictObject({
  refreshToken: z.string().check(z.minLength(1), z.maxLength(256)),
  /** Required for a key-bound (linked) session: without a valid one the refresh is refused and the token not spent. */
  proof: z.optional(RefreshProof),
});
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const RefreshResponse = z.object({ tokens: AuthTokens });
export type RefreshResponse = z.infer<typeof RefreshResponse>;

export const LogoutRequest = z.strictObject({
  /** End every session of this user, not only this one. */
  everywhere: z._default(z.boolean(), false),
});
export type LogoutRequest = z.infer<typeof LogoutRequest>;

/** Confirms a new email or phone (`POST /api/users/me/identifier`) with the code sent to it. */
export const ConfirmIdentifierRequest = z.strictObject({ requestId: OtpRequestId, code: OtpCode });
export type ConfirmIdentifierRequest = z.infer<typeof ConfirmIdentifierRequest>;
