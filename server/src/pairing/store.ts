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

export class MemoryPairingStore implements PairingStore {
  private readonly sessions = new Map<string, PairingSession>();
  private readonly codes = new Map<string, string>();
  private readonly scans = new Map<string, ScanLog>();

  create(session: PairingSession): Promise<void> {
    this.sessions.set(session.id, copySession(session));
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
      this.sessions.set(id, draft);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  delete(id: string): Promise<void> {
    this.sessions.delete(id);
    this.scans.delete(id);
    for (const [code, sessionId] of this.codes) if (sessionId === id) this.codes.delete(code);
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
    let count = 0;
    for (const s of this.sessions.values()) if (s.status === "PENDING" && s.createdByIp === ip) count++;
    return Promise.resolve(count);
  }

  indexCode(code: string, sessionId: string): Promise<void> {
    this.codes.set(code, sessionId);
    return Promise.resolve();
  }

  unindexCode(code: string): Promise<void> {
    this.codes.delete(code);
    return Promise.resolve();
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
