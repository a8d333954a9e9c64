import type { AuthTokens, DeviceInfo, IdentifierInput, RequestCodeResponse, VerifyCodeResponse } from "@easyqr/protocol";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/schema.ts";
import { findOrCreateUser } from "../users/queries.ts";
import { meView } from "../users/view.ts";
import { normalizeIdentifier } from "./identifiers.ts";
import type { OtpService } from "./otp.ts";
import type { SessionService } from "./sessions.ts";

const signIn = { purpose: "sign_in", userId: null } as const;

/** Sign-in by one-time code: request a code, verify it (the account is made on first verify), refresh, log out. */
export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly otp: OtpService,
    readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly defaultRegion: string | undefined,
  ) {}

  requestCode(input: IdentifierInput, ip: string): Promise<RequestCodeResponse> {
    return this.otp.request(normalizeIdentifier(input, this.defaultRegion), signIn, ip);
  }

  /** The code is spent in the transaction that finds or makes the user and their session: if either fails, it still works. */
  verifyCode(requestId: string, code: string, device: DeviceInfo | undefined, ip: string): Promise<VerifyCodeResponse> {
    return this.otp.verify(requestId, code, signIn, ip, async (trx, identifier) => {
      const { user, created } = await findOrCreateUser(trx, identifier, this.clock.now());
      const tokens = await this.sessions.create(user.id, device, trx);
      return { tokens, user: meView(user), isNewUser: created };
    });
  }

  refresh(refreshToken: string): Promise<AuthTokens> {
    return this.sessions.refresh(refreshToken);
  }

  async logout(userId: string, sessionId: string, everywhere: boolean): Promise<void> {
    if (everywhere) await this.sessions.revokeAllOf(userId, "logout_everywhere");
    else await this.sessions.revoke([sessionId], "logout");
  }
}
