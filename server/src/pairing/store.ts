import type { Scan, ScanInput } from "@easyqr/protocol";
import { copySession, type PairingSession } from "./session.ts";

/**
 * Where pairing sessions and their scans live. In process for one server; a
 * Redis implementation with the same contract serves cluster mode.
 * `update` and `addScan` are atomic per session.
 */
export type PairingStore = {
  create(session: PairingSession): Promise<void>;
  get(id: string): Promise<PairingSession | undefined>;
  /**
   * Applies `change` to the stored session; returns its result, or undefined when the session is gone. If `change` throws,
   * nothing is stored. `change` may run more than once (a store shared by nodes runs it again after a
   * conflicting write), so it changes only its draft and says the rest in its result.
   */
  update<T>(id: string, change: (session: PairingSession) => T): Promise<T | undefined>;
  delete(id: string): Promise<void>;
  /** Sessions with a deadline (expiry or rotation) at or before `now`: what the sweeper must look at. */
  dueIds(now: number): Promise<string[]>;
  countPendingByIp(ip: string): Promise<number>;

  indexCode(code: string, sessionId: string): Promise<void>;
  unindexCode(code: string): Promise<void>;
  findIdByCode(code: string): Promise<string | undefined>;

  /** Stores a scan once per (phone, client id); a resend returns the stored one. Keeps the newest `keep`. */
  addScan(sessionId: string, phoneId: string, input: ScanInput, receivedAt: number, keep: number): Promise<{ scan: Scan; duplicate: boolean }>;
  scansSince(sessionId: string, seq: number): Promise<Scan[]>;
};

type ScanLog = { nextSeq: number; scans: Scan[]; byKey: Map<string, Scan> };

/**
 * In process. Waiting sessions per address and codes per session are indexed: at 1,000 pairings a
 * second a server holds hundreds of thousands of sessions (ended ones are kept 10 minutes), and a
 * scan of them all for every create or deletion would cost more than the pairing.
 */
export class MemoryPairingStore implements PairingStore {
  private readonly sessions = new Map<string, PairingSession>();
  private readonly codes = new Map<string, string>();
  private readonly codesOf = new Map<string, Set<string>>();
  private readonly pendingByIp = new Map<string, Set<string>>();
  private readonly scans = new Map<string, ScanLog>();

  create(session: PairingSession): Promise<void> {
    this.store(copySession(session));
    return Promise.resolve();
  }

  get(id: string): Promise<PairingSession | undefined> {
    const session = this.sessions.get(id);
    return Promise.resolve(session && copySession(session));
  }

  update<T>(id: string, change: (session: PairingSession) => T): Promise<T | undefined> {
    const stored = this.sessions.get(id);
    if (!stored) return Promise.resolve(undefined);
    try {
      const draft = copySession(stored);
      const result = change(draft);
      this.store(draft);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  delete(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session) this.unlistPending(session);
    this.sessions.delete(id);
    this.scans.delete(id);
    for (const code of this.codesOf.get(id) ?? []) if (this.codes.get(code) === id) this.codes.delete(code);
    this.codesOf.delete(id);
    return Promise.resolve();
  }

  dueIds(now: number): Promise<string[]> {
    const due: string[] = [];
    for (const [id, s] of this.sessions) {
      const live = s.status === "PENDING" || s.status === "CONNECTED";
      if (s.expiresAt <= now || (live && s.rotatesAt <= now)) due.push(id);
    }
    return Promise.resolve(due);
  }

  countPendingByIp(ip: string): Promise<number> {
    return Promise.resolve(this.pendingByIp.get(ip)?.size ?? 0);
  }

  indexCode(code: string, sessionId: string): Promise<void> {
    this.dropCode(code);
    this.codes.set(code, sessionId);
    setOf(this.codesOf, sessionId).add(code);
    return Promise.resolve();
  }

  unindexCode(code: string): Promise<void> {
    this.dropCode(code);
    return Promise.resolve();
  }

  private dropCode(code: string): void {
    const sessionId = this.codes.get(code);
    if (sessionId === undefined) return;
    this.codes.delete(code);
    const codes = this.codesOf.get(sessionId);
    codes?.delete(code);
    if (codes?.size === 0) this.codesOf.delete(sessionId);
  }

  /** Keeps the session and its place in the per-address index of waiting sessions. */
  private store(session: PairingSession): void {
    this.sessions.set(session.id, session);
    if (session.status === "PENDING") setOf(this.pendingByIp, session.createdByIp).add(session.id);
    else this.unlistPending(session);
  }

  private unlistPending(session: PairingSession): void {
    const waiting = this.pendingByIp.get(session.createdByIp);
    waiting?.delete(session.id);
    if (waiting?.size === 0) this.pendingByIp.delete(session.createdByIp);
  }

  findIdByCode(code: string): Promise<string | undefined> {
    return Promise.resolve(this.codes.get(code));
  }

  addScan(sessionId: string, phoneId: string, input: ScanInput, receivedAt: number, keep: number) {
    let log = this.scans.get(sessionId);
    if (!log) this.scans.set(sessionId, (log = { nextSeq: 1, scans: [], byKey: new Map() }));
    const key = `${phoneId}:${input.id}`;
    const existing = log.byKey.get(key);
    if (existing) return Promise.resolve({ scan: existing, duplicate: true });
    const scan = { ...input, phoneId, receivedAt, seq: log.nextSeq++ };
    log.scans.push(scan);
    log.byKey.set(key, scan);
    if (log.scans.length > keep) {
      const dropped = log.scans.shift();
      // Keep remembering dropped ids would grow without bound; a resend that old is not expected.
      if (dropped) log.byKey.delete(`${dropped.phoneId}:${dropped.id}`);
    }
    return Promise.resolve({ scan, duplicate: false });
  }

  scansSince(sessionId: string, seq: number): Promise<Scan[]> {
    const scans = this.scans.get(sessionId)?.scans ?? [];
    return Promise.resolve(scans.filter((s) => s.seq > seq));
  }
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
