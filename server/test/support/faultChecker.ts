import type { Held, OutboxClient } from "./outboxClient.ts";

/**
 * The fault test's verdict on two members of one chat after the storm, from what each client
 * applied (its own dedup by seq already done) and, when given, a fresh read of the chat's history.
 * Returns every broken rule; empty means nothing acknowledged was lost, doubled or reordered.
 */
export function checkChat(a: OutboxClient, b: OutboxClient, history?: Held[]): string[] {
  const problems: string[] = [];
  const name = `chat ${a.chatId.slice(0, 8)}`;
  for (const client of [a, b]) {
    const who = `${name} ${client.user.username}`;
    for (const c of client.conflicts) problems.push(`${who}: ${c}`);
    for (const e of client.errors) problems.push(`${who}: ${e}`);
    if (client.pending > 0) problems.push(`${who}: ${client.pending} messages never acknowledged`);
    const seqs = [...client.held.keys()].sort((x, y) => x - y);
    seqs.forEach((seq, i) => {
      if (seq !== i + 1) problems.push(`${who}: seq ${i + 1} missing (next held is ${seq})`);
    });
    // Exactly once per (sender, client id); the dedup is by seq, so a doubled send would show here as two seqs.
    const seen = new Map<string, number>();
    for (const m of client.held.values()) {
      const key = `${m.senderId}/${m.clientId}`;
      const other = seen.get(key);
      if (other !== undefined) problems.push(`${who}: client id ${m.clientId} stored twice (seq ${other} and ${m.seq})`);
      seen.set(key, m.seq);
    }
  }
  if (problems.length > 0) return problems;

  // Both members hold the same messages at the same seqs: one order for every reader.
  const total = a.held.size;
  if (b.held.size !== total) problems.push(`${name}: ${a.user.username} holds ${total} messages, ${b.user.username} ${b.held.size}`);
  for (const [seq, m] of a.held) {
    const other = b.held.get(seq);
    if (other && other.id !== m.id) problems.push(`${name}: seq ${seq} is ${m.id} for one member and ${other.id} for the other`);
  }
  if (history) {
    if (history.length !== total) problems.push(`${name}: the server's history has ${history.length} messages, the clients ${total}`);
    for (const m of history)
      if (a.held.get(m.seq)?.id !== m.id) problems.push(`${name}: history seq ${m.seq} is ${m.id}, the clients hold ${a.held.get(m.seq)?.id ?? "nothing"}`);
  }

  for (const [sender, recipient] of [
    [a, b],
    [b, a],
  ] as const) {
    const composed = new Set(sender.composed);
    // Every acknowledged message reached the recipient, as acknowledged.
    for (const [clientId, ack] of sender.acked) {
      const got = recipient.held.get(ack.seq);
      if (!got || got.id !== ack.id)
        problems.push(`${name}: ${clientId} acked as seq ${ack.seq} but ${recipient.user.username} holds ${got?.id ?? "nothing"} there`);
    }
    for (const clientId of sender.composed) if (!sender.acked.has(clientId)) problems.push(`${name}: ${clientId} was never acknowledged`);
    // Nothing stored that the sender did not compose.
    for (const m of recipient.held.values()) {
      if (m.senderId === sender.user.id && !composed.has(m.clientId))
        problems.push(`${name}: ${m.clientId} stored but never composed by ${sender.user.username}`);
    }
  }
  if (total !== a.composed.length + b.composed.length) problems.push(`${name}: ${total} messages held, ${a.composed.length + b.composed.length} composed`);
  return problems;
}
