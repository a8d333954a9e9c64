// What the fault tests (chatFault, groupFault, clusterKill, clusterOutage) share: bounded waits,
// the storm of composes, a kill in the middle of a burst, settling the outboxes, the server's
// history of a chat as the checker reads it, and one diagnostics line over the clients' counts.
import { HistoryPage } from "@easyqr/protocol";
import type { NodeProcesses } from "./clusterProcesses.ts";
import { heldOf, type Held, type OutboxClient } from "./outboxClient.ts";
import type { SeededUser } from "./seed.ts";
import type { ServerProcess } from "./serverProcess.ts";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One REST call as `user` against the server process; throws on an error answer. */
export async function apiAs<T>(url: string, user: SeededUser, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${user.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export type Storm = { stop(): Promise<void> };

/** Every client `composers()` names composes a message every `everyMs` until `stop()`. */
export function storm(composers: () => Iterable<OutboxClient>, everyMs: number): Storm {
  let storming = true;
  const done = (async () => {
    while (storming) {
      for (const c of composers()) c.compose();
      await sleep(everyMs);
    }
  })();
  return {
    stop() {
      storming = false;
      return done;
    },
  };
}

/** How long before each kill the clients drop their ACKs unread. */
const ACKS_LOST_MS = 300;

/**
 * A burst, then the SIGKILL: the cut-off clients' last ACKs are lost on the way (stored, never
 * acknowledged: the resend must find the original), and a burst is composed just before the kill (in
 * flight: some committed, some not). `cutOff` are the clients whose socket dies with the process.
 * Returns a line for the diagnostics.
 */
export async function burstThenKill(cutOff: OutboxClient[], composers: OutboxClient[], server: ServerProcess): Promise<string> {
  for (const c of cutOff) c.loseAcksUntilReconnect();
  for (const c of composers) c.compose();
  await sleep(ACKS_LOST_MS);
  for (const c of composers) c.compose();
  await sleep(3);
  const acked = cutOff.reduce((n, c) => n + c.acked.size, 0);
  const pending = cutOff.reduce((n, c) => n + c.pending, 0);
  await server.kill9();
  return `${acked} acked, ${pending} unacknowledged on the killed node's clients`;
}

/** One kill of a server alone (`spawnAlone`), restarted on the same data and port: every client is cut off. Returns a line for the diagnostics. */
export async function killMidBurst(clients: OutboxClient[], composers: OutboxClient[], server: NodeProcesses): Promise<string> {
  const line = await burstThenKill(clients, composers, server.nodes[0]!);
  const killedAt = Date.now();
  await server.restart(0);
  return `${line}; back after ${Date.now() - killedAt} ms`;
}

/** After the storm: every client connected with an empty outbox, then a SYNC each, so what they hold is final. */
export async function settle(clients: OutboxClient[], timeoutMs = 30_000): Promise<void> {
  await until(() => clients.every((c) => c.connected && c.pending === 0), "every outbox to empty", timeoutMs);
  for (const c of clients) await c.sync();
}

/** Every message of the chat `user` may read, oldest first, by paging the history API. */
export async function historyOf(url: string, user: SeededUser, chatId: string): Promise<Held[]> {
  const all: Held[] = [];
  for (;;) {
    const response = await fetch(`${url}/api/chats/${chatId}/messages?after=${all.at(-1)?.seq ?? 0}&limit=100`, {
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    const page = HistoryPage.parse(await response.json());
    all.push(...page.messages.map(heldOf));
    if (!page.more || page.messages.length === 0) return all;
  }
}

/** What went through and what the faults did, summed over the clients. */
export function stormSummary(clients: OutboxClient[]): string {
  const sum = (pick: (c: OutboxClient) => number) => clients.reduce((n, c) => n + pick(c), 0);
  return (
    `${sum((c) => c.composed.length)} messages composed and acknowledged; ${sum((c) => c.counts.messageEvents)} MESSAGE events, ` +
    `${sum((c) => c.counts.syncChanges)} changes from SYNC, ${sum((c) => c.counts.duplicatesDropped)} duplicates dropped by seq, ` +
    `${sum((c) => c.counts.resends)} resends (${sum((c) => c.counts.storedBeforeDrop)} of them stored before the kill, acknowledged after; ` +
    `${sum((c) => c.counts.acksLost)} ACKs dropped unread), ${sum((c) => c.counts.connections)} connections, ${sum((c) => c.counts.rateLimited)} rate-limited, ` +
    `${sum((c) => c.counts.resyncs)} resyncs, ${sum((c) => c.counts.resyncFrames)} RESYNC frames, ${sum((c) => c.counts.unavailable)} UNAVAILABLE, ` +
    `${sum((c) => c.counts.handshakeTimeouts)} handshake time-outs`
  );
}

/** The 1-1 chat of each seeded pair (users 2i and 2i+1, connected by `seedUsers`' `connectPairs`), made by the first. */
export async function pairChats(url: string, users: SeededUser[]): Promise<{ a: SeededUser; b: SeededUser; chatId: string }[]> {
  const chats = [];
  for (let i = 0; i + 1 < users.length; i += 2) {
    const a = users[i]!;
    const b = users[i + 1]!;
    const { id: chatId } = await apiAs<{ id: string }>(url, a, "POST", "/api/chats", { userId: b.id });
    chats.push({ a, b, chatId });
  }
  return chats;
}

/** A group made by `owner` that every one of `members` joins by its invite link (no approval); its id and the link's token. */
export async function stormGroup(url: string, owner: SeededUser, members: SeededUser[]): Promise<{ chatId: string; token: string }> {
  const { id: chatId } = await apiAs<{ id: string }>(url, owner, "POST", "/api/groups", { name: "Storm", memberIds: [] });
  const { token } = await apiAs<{ token: string }>(url, owner, "POST", `/api/groups/${chatId}/invite`, { needsApproval: false });
  for (const member of members) await apiAs(url, member, "POST", "/api/groups/join", { token });
  return { chatId, token };
}
