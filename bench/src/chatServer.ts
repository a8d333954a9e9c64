import { freshStore, seedUsers, type EngineName, type SeededUser, type Store } from "@easyqr/server/test-support";
import { startServer, type RunningServer } from "./processes.ts";

/**
 * Settings the bench server runs with: the per-socket message limit (a guard against one
 * misbehaving client) raised far above what the load generator offers per user.
 */
export const benchServerEnv: Record<string, string> = { CHAT_MESSAGES_PER_SECOND: "100000", CHAT_MESSAGE_BURST: "100000" };

export type SeededServer = { server: RunningServer; users: SeededUser[]; store: Store };

/**
 * A fresh database (SQLite file or PostgreSQL schema) with `users` seeded users (2i and 2i+1
 * connected), a server process on it, `work`, then everything stopped and dropped.
 */
export async function withServer<T>(
  engine: EngineName,
  users: number,
  work: (s: SeededServer) => Promise<T>,
  options: {
    connectPairs?: boolean;
    beforeStart?: (store: Store, users: SeededUser[]) => Promise<void>;
    env?: Record<string, string>;
    nodeArgs?: string[];
    /** Another checkout's server (see startServer). */
    serverRoot?: string;
  } = {},
): Promise<T> {
  const store = freshStore(engine);
  try {
    const seeded = await seedUsers(store.env, users, { prefix: "bench", connectPairs: options.connectPairs ?? true });
    await options.beforeStart?.(store, seeded);
    const server = await startServer({ ...store.env, ...benchServerEnv, ...options.env }, options.nodeArgs, options.serverRoot);
    try {
      return await work({ server, users: seeded, store });
    } finally {
      await server.stop();
    }
  } finally {
    await store.drop();
  }
}

/** Opens the chat of each pair (user 2i asks for the chat with 2i+1): `POST /api/chats`. */
export async function openChats(url: string, users: SeededUser[]): Promise<string[]> {
  const pairs = Math.floor(users.length / 2);
  const ids: string[] = new Array<string>(pairs);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < pairs; i = next++) {
      const response = await fetch(`${url}/api/chats`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${users[2 * i]!.accessToken}` },
        body: JSON.stringify({ userId: users[2 * i + 1]!.id }),
      });
      const body = (await response.json()) as { id?: string };
      if (!response.ok || !body.id) throw new Error(`POST /api/chats: ${response.status} ${JSON.stringify(body)}`);
      ids[i] = body.id;
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return ids;
}

/** Loopback source addresses 127.0.0.2…: each has its own ~28,000 ephemeral ports. */
export function sourceIps(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`);
}
