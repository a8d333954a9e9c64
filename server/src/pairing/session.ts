import type { DeviceInfo, PhoneInfo, SessionStatus } from "@easyqr/protocol";

/** A phone token the server has issued for a session, and what became of it. */
export type IssuedToken = {
  jti: string;
  code: string;
  token: string;
  expiresAt: number;
  state: "current" | "rotated" | "used";
  /** When it stopped being current (for the short grace after a rotation). */
  retiredAt?: number;
};

export type PairedPhone = {
  phoneId: string;
  phoneTokenHash: string;
  device?: DeviceInfo;
  /** Open sockets of this phone, on any node. */
  sockets: number;
};

/** Everything the server keeps about one pairing session. Plain data, so any store can hold it. */
export type PairingSession = {
  id: string;
  status: SessionStatus;
  createdAt: number;
  /** PENDING: stops waiting at this time. CONNECTED: closes if nobody is online by then. Ended: deleted then. */
  expiresAt: number;
  createdByIp: string;
  desktopTokenHash: string;
  /** Open desktop sockets (a reload can overlap the old socket briefly). */
  desktopSockets: number;
  allowMultiplePhones: boolean;
  /** Newest last; the last one is current while the session takes new phones. */
  tokens: IssuedToken[];
  rotatesAt: number;
  phones: PairedPhone[];
};

export function currentToken(session: PairingSession): IssuedToken | undefined {
  const last = session.tokens.at(-1);
  return last?.state === "current" ? last : undefined;
}

export function phoneInfos(session: PairingSession): PhoneInfo[] {
  return session.phones.map((p) => ({ phoneId: p.phoneId, online: p.sockets > 0, ...(p.device ? { device: p.device } : {}) }));
}

export function takesNewPhones(session: PairingSession): boolean {
  return session.status === "PENDING" || (session.status === "CONNECTED" && session.allowMultiplePhones);
}

/**
 * A copy that shares nothing changeable with `session` (stores hand out and keep copies). Written
 * out rather than `structuredClone`, which serialises and was a tenth of a pairing's CPU time.
 */
export function copySession(session: PairingSession): PairingSession {
  return {
    ...session,
    tokens: session.tokens.map((t) => ({ ...t })),
    phones: session.phones.map((p) => ({ ...p, ...(p.device ? { device: { ...p.device } } : {}) })),
  };
}
