import type { Redis } from "ioredis";

export type ScriptArg = string | number;
/** Runs a Lua script with these keys and arguments (EVALSHA, loading the script on NOSCRIPT). */
export type RunScript = (keys: readonly string[], args: readonly ScriptArg[]) => Promise<unknown>;

/**
 * A Lua script on this connection, through ioredis' `defineCommand` (EVALSHA, falling back to EVAL
 * once per connection). A script runs alone in Redis: that is what makes each store operation
 * atomic across nodes. `name` must be unique per connection.
 */
export function defineScript(redis: Redis, name: string, lua: string): RunScript {
  if (!(name in redis)) redis.defineCommand(name, { lua });
  const command = (redis as unknown as Record<string, (count: number, ...keysThenArgs: ScriptArg[]) => Promise<unknown>>)[name];
  if (!command) throw new Error(`script ${name} was not defined`);
  return (keys, args) => command.call(redis, keys.length, ...keys, ...args);
}
