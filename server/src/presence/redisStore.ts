import type { Redis } from "ioredis";
import { defineScript, type RunScript } from "../redis/script.ts";
import type { Lease, PresenceStore, WentOffline } from "./store.ts";

// Leases are renewed every tick (2 s) and last at most a minute: ten minutes without a write to a
// user's keys only happens when no node is left to renew or expire them.
const defaultSafetyTtlMs = 10 * 60_000;
/** Leases per script call, and users per expire call: one script stays short, so Redis never stalls for the others. */
const batch = 500;

// Keys under P: p:l:<user> (zset lease → expiresAt), p:s:<user> (hash lease → seenAt),
// p:due (zset user → the earliest expiresAt of their leases: who `expire` must look at).
const keys = `
local P, now, ttl = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local due = P .. 'p:due'
local function leasesOf(user) return P .. 'p:l:' .. user, P .. 'p:s:' .. user end
local function earliest(leases) return redis.call('ZRANGE', leases, 0, 0, 'WITHSCORES')[2] end
`;

/** ARGV: P, now, ttl, then (user, lease, expiresAt, seenAt) per lease. Returns the users that came online. */
const putLua = `${keys}
local came = {}
for i = 4, #ARGV, 4 do
  local user, lease, expiresAt = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if expiresAt > now then
    local leases, seen = leasesOf(user)
    if redis.call('ZCOUNT', leases, '(' .. ARGV[2], '+inf') == 0 then came[#came + 1] = user end
    redis.call('ZADD', leases, ARGV[i + 2], lease)
    redis.call('HSET', seen, lease, ARGV[i + 3])
    redis.call('PEXPIRE', leases, ttl)
    redis.call('PEXPIRE', seen, ttl)
    redis.call('ZADD', due, earliest(leases), user)
  end
end
if redis.call('EXISTS', due) == 1 then redis.call('PEXPIRE', due, ttl) end
return came
`;

/** ARGV: P, now, ttl, limit. Returns how many users it looked at, then (user, lastSeen) of each left without a lease. */
const expireLua = `${keys}
local users = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
local gone = {#users}
for _, user in ipairs(users) do
  local leases, seen = leasesOf(user)
  local over = redis.call('ZRANGEBYSCORE', leases, '-inf', now)
  local lastSeen = 0
  for _, lease in ipairs(over) do
    lastSeen = math.max(lastSeen, tonumber(redis.call('HGET', seen, lease)) or 0)
    redis.call('HDEL', seen, lease)
  end
  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  local soonest = earliest(leases)
  if soonest then
    redis.call('ZADD', due, soonest, user)
  else
    redis.call('DEL', leases, seen)
    redis.call('ZREM', due, user)
    -- Keys the safety TTL already took leave nothing to report.
    if #over > 0 then gone[#gone + 1] = user; gone[#gone + 1] = lastSeen end
  end
end
return gone
`;

/** ARGV: P, now, ttl, users… Returns the number of live leases per user. */
const onlineLua = `${keys}
local live = {}
for i = 4, #ARGV do live[#live + 1] = redis.call('ZCOUNT', leasesOf(ARGV[i]), '(' .. ARGV[2], '+inf') end
return live
`;

/**
 * Presence leases in Redis (cluster mode), the same contract as MemoryPresenceStore
 * (docs/adr/0004-presence-leases.md): each operation is one Lua script, so it is atomic for every
 * user it touches, and when several nodes expire at once each user going offline is reported by
 * exactly one of them. Times are the app clock's, kept as data; Redis TTLs are only a safety net.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly putScript: RunScript;
  private readonly expireScript: RunScript;
  private readonly onlineScript: RunScript;
  private readonly prefix: string;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly safetyTtlMs = defaultSafetyTtlMs,
  ) {
    this.prefix = prefix;
    this.putScript = defineScript(redis, "easyqrPresencePut", putLua);
    this.expireScript = defineScript(redis, "easyqrPresenceExpire", expireLua);
    this.onlineScript = defineScript(redis, "easyqrPresenceOnline", onlineLua);
  }

  async put(leases: Lease[], now: number): Promise<string[]> {
    const came: string[] = [];
    for (let i = 0; i < leases.length; i += batch) {
      const args = leases.slice(i, i + batch).flatMap((l) => [l.userId, l.leaseId, l.expiresAt, l.seenAt]);
      came.push(...((await this.putScript([], [this.prefix, now, this.safetyTtlMs, ...args])) as string[]));
    }
    return came;
  }

  async expire(now: number): Promise<WentOffline[]> {
    const gone: WentOffline[] = [];
    for (;;) {
      const [looked, ...flat] = (await this.expireScript([], [this.prefix, now, this.safetyTtlMs, batch])) as [number, ...(string | number)[]];
      for (let i = 0; i + 1 < flat.length; i += 2) gone.push({ userId: String(flat[i]), lastSeen: Number(flat[i + 1]) });
      // Every user looked at is no longer due at `now`; a full batch may have left others that are.
      if (looked < batch) return gone;
    }
  }

  async online(userIds: string[], now: number): Promise<Set<string>> {
    const online = new Set<string>();
    for (let i = 0; i < userIds.length; i += batch) {
      const ids = userIds.slice(i, i + batch);
      const live = (await this.onlineScript([], [this.prefix, now, this.safetyTtlMs, ...ids])) as number[];
      ids.forEach((id, at) => (live[at] ?? 0) > 0 && online.add(id));
    }
    return online;
  }
}
