import type { AuthTokens, DeviceInfo, IdentifierInput, Me, RefreshProof, RequestCodeResponse, VerifyCodeResponse } from "@easyqr/protocol";
import type { Db } from "../db/schema.ts";
import { normalizeIdentifier, type Identifier } from "./identifiers.ts";
import type { OtpService } from "./otp.ts";
import type { SessionService } from "./sessions.ts";

const signIn = { purpose: "sign_in", userId: null } as const;

/** The account a sign-in finds or makes (UsersService owns them), inside the transaction that spends the code. */
export type SignInAccounts = { findOrCreate(trx: Db, identifier: Identifier): Promise<{ me: Me; created: boolean }> };

/** Sign-in by one-time code: request a code, verify it (the account is made on first verify), refresh, log out. */
export class AuthService {
  constructor(
    private readonly otp: OtpService,
    readonly sessions: SessionService,
    private readonly accounts: SignInAccounts,
    private readonly defaultRegion: string | undefined,
  ) {}

  requestCode(input: IdentifierInput, ip: string): Promise<RequestCodeResponse> {
    return this.otp.request(normalizeIdentifier(input, this.defaultRegion), signIn, ip);
  }

  /** The code is spent in the transaction that finds or makes the user and their session: if either fails, it still works. */
  verifyCode(requestId: string, code: string, device: DeviceInfo | undefined, ip: string): Promise<VerifyCodeResponse> {
    return this.otp.verify(requestId, code, signIn, ip, async (trx, identifier) => {
      const { me, created } = await this.accounts.findOrCreate(trx, identifier);
      const tokens = await this.sessions.create(me.id, device, trx, { ip });
      return { tokens, user: me, isNewUser: created };
    });
  }

  refresh(refreshToken: string, proof?: RefreshProof): Promise<AuthTokens> {
    return this.sessions.refresh(refreshToken, proof);
  }

  async logout(userId: string, sessionId: string, everywhere: boolean): Promise<void> {
    if (everywhere) await this.sessions.revokeAllOf(userId, "logout_everywhere");
    else await this.sessions.revoke([sessionId], "logout");
  }
}
