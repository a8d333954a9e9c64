// What the fault tests (chatFault, groupFault) share: bounded waits, the server's history of a
// chat as the checker reads it, and one diagnostics line over the clients' counts.
import { HistoryPage } from "@easyqr/protocol";
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

/** How long before each kill the clients drop their ACKs unread. */
const ACKS_LOST_MS = 300;

/**
 * One kill: the clients' last ACKs are lost on the way (stored, never acknowledged: the resend must
 * find the original), a burst is composed just before the SIGKILL (in flight: some committed, some
 * not), and the server is restarted on the same data and port. Returns the new process and a line
 * for the diagnostics.
 */
export async function killMidBurst(
  clients: OutboxClient[],
  composers: OutboxClient[],
  server: ServerProcess,
  restart: () => Promise<ServerProcess>,
): Promise<{ server: ServerProcess; line: string }> {
  for (const c of clients) c.loseAcksUntilReconnect();
  for (const c of composers) c.compose();
  await sleep(ACKS_LOST_MS);
  for (const c of composers) c.compose();
  await sleep(3);
  const acked = clients.reduce((n, c) => n + c.acked.size, 0);
  const pending = clients.reduce((n, c) => n + c.pending, 0);
  await server.kill9();
  const killedAt = Date.now();
  const restarted = await restart();
  return { server: restarted, line: `${acked} acked, ${pending} unacknowledged; back after ${Date.now() - killedAt} ms` };
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
    `${sum((c) => c.counts.resyncs)} resyncs, ${sum((c) => c.counts.handshakeTimeouts)} handshake time-outs`
  );
}
