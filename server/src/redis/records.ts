import type { Redis } from "ioredis";
import { defineScript, type RunScript } from "./script.ts";

/** What the store keeps beside a record's JSON, derived from the record on every write. */
export type RecordIndex = {
  /** When the sweeper must look at it next (undefined: never on its own). */
  dueAt: number | undefined;
  /** Counts as waiting from this address (pending sessions or links per IP). */
  pendingIp: string | undefined;
  /** Names that find it (refs, codes): each `name` key holds the record's id while the record lists it. */
  names: readonly string[];
};

export type RecordsOptions<T> = {
  /** Key prefix of this kind of record, e.g. `easyqr:link:`. */
  prefix: string;
  index: (record: T) => RecordIndex;
  /** Real TTL of every key, renewed on each write: a safety net only; expiry is data the services compare with their clock. */
  safetyTtlMs: number;
  /** Other per-record keys (`<prefix><kind>:<id>`) whose TTL follows the record's and which go with it. */
  companions?: readonly string[];
};

// Keys under P: r:<id> hash {v, data, ip, names}; n:<name> → id; due (zset id → dueAt); pending:<ip> (set of ids).
const common = `
local P, id, ttl = ARGV[1], ARGV[2], ARGV[3]
local key = P .. 'r:' .. id
local function unindex()
  local ip = redis.call('HGET', key, 'ip')
  if ip and ip ~= '' then redis.call('SREM', P .. 'pending:' .. ip, id) end
  for name in string.gmatch(redis.call('HGET', key, 'names') or '', '%S+') do
    if redis.call('GET', P .. 'n:' .. name) == id then redis.call('DEL', P .. 'n:' .. name) end
  end
end
local function companions(from, action)
  for i = from, #ARGV do
    if action == 'del' then redis.call('DEL', P .. ARGV[i] .. ':' .. id) else redis.call('PEXPIRE', P .. ARGV[i] .. ':' .. id, ttl) end
  end
end
`;

/** ARGV: P, id, ttl, expected version ('*': any, for create), data, dueAt ('' none), pending ip ('' none), names (space separated), companions… */
const writeLua = `${common}
local v = redis.call('HGET', key, 'v')
if ARGV[4] ~= '*' and v ~= ARGV[4] then
  if v then return 0 end
  return -1
end
if v then unindex() end
redis.call('HSET', key, 'v', (tonumber(v) or 0) + 1, 'data', ARGV[5], 'ip', ARGV[7], 'names', ARGV[8])
redis.call('PEXPIRE', key, ttl)
for name in string.gmatch(ARGV[8], '%S+') do redis.call('SET', P .. 'n:' .. name, id, 'PX', ttl) end
if ARGV[7] ~= '' then
  redis.call('SADD', P .. 'pending:' .. ARGV[7], id)
  redis.call('PEXPIRE', P .. 'pending:' .. ARGV[7], ttl)
end
if ARGV[6] ~= '' then
  redis.call('ZADD', P .. 'due', ARGV[6], id)
  redis.call('PEXPIRE', P .. 'due', ttl)
else
  redis.call('ZREM', P .. 'due', id)
end
companions(9, 'expire')
return 1
`;

/** ARGV: P, id, ttl, companions… */
const deleteLua = `${common}
unindex()
redis.call('ZREM', P .. 'due', id)
redis.call('DEL', key)
companions(4, 'del')
return 1
`;

// What a key's TTL dropped (a cluster entirely down for longer than the safety TTL) is cleaned up here.
/** ARGV: P, now */
const dueLua = `
local P = ARGV[1]
local due = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', P .. 'due', '-inf', ARGV[2])) do
  if redis.call('EXISTS', P .. 'r:' .. id) == 1 then due[#due + 1] = id else redis.call('ZREM', P .. 'due', id) end
end
return due
`;

/** ARGV: P, ip */
const pendingLua = `
local P, set = ARGV[1], ARGV[1] .. 'pending:' .. ARGV[2]
local count = 0
for _, id in ipairs(redis.call('SMEMBERS', set)) do
  if redis.call('EXISTS', P .. 'r:' .. id) == 1 then count = count + 1 else redis.call('SREM', set, id) end
end
return count
`;

/** Tries of one update before it gives up: each conflict means another writer succeeded. */
const maxTries = 100;

/**
 * Records kept as JSON in Redis for the pairing and link stores: `update` is atomic per record
 * (read, change in JS, then a compare-and-set on the record's version in one script; a conflict
 * reads again and runs the change again), and the record's indexes (due time, pending per address,
 * names) move with it in the same script.
 */
export class RedisRecords<T> {
  private readonly write: RunScript;
  private readonly remove: RunScript;
  private readonly due: RunScript;
  private readonly pending: RunScript;
  private readonly companions: readonly string[];

  constructor(
    private readonly redis: Redis,
    private readonly options: RecordsOptions<T>,
  ) {
    this.write = defineScript(redis, "easyqrRecordWrite", writeLua);
    this.remove = defineScript(redis, "easyqrRecordDelete", deleteLua);
    this.due = defineScript(redis, "easyqrRecordsDue", dueLua);
    this.pending = defineScript(redis, "easyqrRecordsPending", pendingLua);
    this.companions = options.companions ?? [];
  }

  async create(id: string, record: T): Promise<void> {
    await this.store(id, "*", record);
  }

  async get(id: string): Promise<T | undefined> {
    const data = await this.redis.hget(this.key(id), "data");
    return data === null ? undefined : (JSON.parse(data) as T);
  }

  /** `change` may run more than once (again after a conflicting write): it must only change its draft. */
  async update<R>(id: string, change: (record: T) => R): Promise<R | undefined> {
    for (let tries = 0; tries < maxTries; tries++) {
      const [version, data] = await this.redis.hmget(this.key(id), "v", "data");
      if (version === null || data === null || version === undefined || data === undefined) return undefined;
      const draft = JSON.parse(data) as T;
      const result = change(draft);
      const stored = await this.store(id, version, draft);
      if (stored === 1) return result;
      if (stored === -1) return undefined;
    }
    throw new Error(`record ${id} kept changing under ${maxTries} tries`);
  }

  async delete(id: string): Promise<void> {
    await this.remove([], [this.options.prefix, id, this.options.safetyTtlMs, ...this.companions]);
  }

  async idByName(name: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.options.prefix}n:${name}`)) ?? undefined;
  }

  async dueIds(now: number): Promise<string[]> {
    return (await this.due([], [this.options.prefix, now])) as string[];
  }

  async countPendingByIp(ip: string): Promise<number> {
    return (await this.pending([], [this.options.prefix, ip])) as number;
  }

  private async store(id: string, version: string, record: T): Promise<number> {
    const { dueAt, pendingIp, names } = this.options.index(record);
    const args = [this.options.prefix, id, this.options.safetyTtlMs, version, JSON.stringify(record), dueAt ?? "", pendingIp ?? "", names.join(" ")];
    return (await this.write([], [...args, ...this.companions])) as number;
  }

  private key(id: string): string {
    return `${this.options.prefix}r:${id}`;
  }
}
