import type { Scan, ScanInput } from "@easyqr/protocol";
import type { Redis } from "ioredis";
import { RedisRecords } from "../redis/records.ts";
import { defineScript, type RunScript } from "../redis/script.ts";
import type { PairingSession } from "./session.ts";
import type { PairingStore } from "./store.ts";

// A live session is written at least at every rotation (20 s) and an ended one is deleted 10 minutes
// later, so an hour without a write only happens to what a cluster that was down left behind.
const defaultSafetyTtlMs = 60 * 60_000;

/**
 * ARGV: P, session id, ttl, dedupe key (phone:client id), scan JSON without seq, keep.
 * Scans are a zset (JSON → seq), their dedupe keys another (key → seq), the last seq a counter.
 */
const addScanLua = `
local P, id, ttl = ARGV[1], ARGV[2], ARGV[3]
local scans, keys, seqKey = P .. 'scans:' .. id, P .. 'scankeys:' .. id, P .. 'scanseq:' .. id
local seq = redis.call('ZSCORE', keys, ARGV[4])
if seq then return {0, seq, redis.call('ZRANGEBYSCORE', scans, seq, seq)[1]} end
seq = redis.call('INCR', seqKey)
redis.call('ZADD', scans, seq, ARGV[5])
redis.call('ZADD', keys, seq, ARGV[4])
local dropped = seq - tonumber(ARGV[6])
if dropped > 0 then
  redis.call('ZREMRANGEBYSCORE', scans, '-inf', dropped)
  redis.call('ZREMRANGEBYSCORE', keys, '-inf', dropped)
end
for _, k in ipairs({scans, keys, seqKey}) do redis.call('PEXPIRE', k, ttl) end
return {1, seq}
`;

/** ARGV: P, session id. Drops the codes still pointing to the session. */
const dropCodesLua = `
local P, id = ARGV[1], ARGV[2]
for _, code in ipairs(redis.call('SMEMBERS', P .. 'codes:' .. id)) do
  if redis.call('GET', P .. 'c:' .. code) == id then redis.call('DEL', P .. 'c:' .. code) end
end
return 1
`;

/** Scan JSON as stored: everything but `seq`, which is its score. */
type StoredScan = Omit<Scan, "seq">;

/**
 * Pairing sessions in Redis (cluster mode): the same contract as MemoryPairingStore. A session is
 * a versioned JSON record (`RedisRecords`: an update is a compare-and-set, so of concurrent claims
 * of one token exactly one wins, on any node); codes are keys naming their session; scans are
 * numbered in one script.
 */
export class RedisPairingStore implements PairingStore {
  private readonly sessions: RedisRecords<PairingSession>;
  private readonly addScanScript: RunScript;
  private readonly dropCodes: RunScript;
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly safetyTtlMs = defaultSafetyTtlMs,
  ) {
    this.prefix = `${prefix}pair:`;
    this.sessions = new RedisRecords(redis, {
      prefix: this.prefix,
      safetyTtlMs,
      companions: ["scans", "scankeys", "scanseq", "codes"],
      index: (s) => {
        const live = s.status === "PENDING" || s.status === "CONNECTED";
        return {
          dueAt: live ? Math.min(s.expiresAt, s.rotatesAt) : s.expiresAt,
          pendingIp: s.status === "PENDING" ? s.createdByIp : undefined,
          names: [],
        };
      },
    });
    this.addScanScript = defineScript(redis, "easyqrPairAddScan", addScanLua);
    this.dropCodes = defineScript(redis, "easyqrPairDropCodes", dropCodesLua);
  }

  create(session: PairingSession): Promise<void> {
    return this.sessions.create(session.id, session);
  }

  get(id: string): Promise<PairingSession | undefined> {
    return this.sessions.get(id);
  }

  update<T>(id: string, change: (session: PairingSession) => T): Promise<T | undefined> {
    return this.sessions.update(id, change);
  }

  async delete(id: string): Promise<void> {
    await this.dropCodes([], [this.prefix, id]);
    await this.sessions.delete(id);
  }

  dueIds(now: number): Promise<string[]> {
    return this.sessions.dueIds(now);
  }

  countPendingByIp(ip: string): Promise<number> {
    return this.sessions.countPendingByIp(ip);
  }

  async indexCode(code: string, sessionId: string): Promise<void> {
    await this.redis
      .multi()
      .set(`${this.prefix}c:${code}`, sessionId, "PX", this.safetyTtlMs)
      .sadd(`${this.prefix}codes:${sessionId}`, code)
      .pexpire(`${this.prefix}codes:${sessionId}`, this.safetyTtlMs)
      .exec();
  }

  async unindexCode(code: string): Promise<void> {
    await this.redis.del(`${this.prefix}c:${code}`);
  }

  async findIdByCode(code: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}c:${code}`)) ?? undefined;
  }

  async addScan(sessionId: string, phoneId: string, input: ScanInput, receivedAt: number, keep: number): Promise<{ scan: Scan; duplicate: boolean }> {
    const stored: StoredScan = { ...input, phoneId, receivedAt };
    const args = [this.prefix, sessionId, this.safetyTtlMs, `${phoneId}:${input.id}`, JSON.stringify(stored), keep];
    const [added, seq, existing] = (await this.addScanScript([], args)) as [number, string | number, string?];
    const scan = added === 1 ? stored : (JSON.parse(existing ?? "null") as StoredScan);
    return { scan: { ...scan, seq: Number(seq) }, duplicate: added === 0 };
  }

  async scansSince(sessionId: string, seq: number): Promise<Scan[]> {
    const flat = await this.redis.zrangebyscore(`${this.prefix}scans:${sessionId}`, `(${seq}`, "+inf", "WITHSCORES");
    const scans: Scan[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) scans.push({ ...(JSON.parse(flat[i]!) as StoredScan), seq: Number(flat[i + 1]) });
    return scans;
  }
}
