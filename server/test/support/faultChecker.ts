import type { Held, OutboxClient } from "./outboxClient.ts";

/**
 * The fault test's verdict on one chat after the storm, from what each member's client applied
 * (its own dedup by seq already done) and, when given, a fresh read of the chat's history.
 * `members[0]` is the reference: in the chat from its first message to the end. A group member who
 * joined later must hold exactly from their `joined` line on; one who left, exactly up to their
 * `left` line (nothing after it, by any path). Returns every broken rule; empty means nothing
 * acknowledged was lost, doubled, reordered or shown to someone outside their stay.
 */
export function checkChat(members: OutboxClient[], history?: Held[]): string[] {
  const [reference] = members;
  if (!reference) return ["no members to check"];
  const name = `chat ${reference.chatId.slice(0, 8)}`;
  const problems: string[] = [];
  for (const client of members) {
    const who = `${name} ${client.user.username}`;
    for (const c of client.conflicts) problems.push(`${who}: ${c}`);
    for (const e of client.errors) problems.push(`${who}: ${e}`);
    if (client.pending > 0) problems.push(`${who}: ${client.pending} messages never acknowledged`);
    // Exactly once per (sender, client id); the dedup is by seq, so a doubled send would show here as two seqs.
    const seen = new Map<string, number>();
    for (const m of client.held.values()) {
      if (m.system) continue;
      const key = `${m.senderId}/${m.clientId}`;
      const other = seen.get(key);
      if (other !== undefined) problems.push(`${who}: client id ${m.clientId} stored twice (seq ${other} and ${m.seq})`);
      seen.set(key, m.seq);
    }
  }
  const total = reference.held.size;
  for (let seq = 1; seq <= total; seq++) if (!reference.held.has(seq)) problems.push(`${name} ${reference.user.username}: seq ${seq} missing`);
  if (problems.length > 0) return problems;

  // Each member holds exactly the seqs of their stay, each the same message as everyone else there.
  const lineOf = (userId: string, event: string) => [...reference.held.values()].find((m) => m.system === event && m.senderId === userId)?.seq;
  for (const client of members.slice(1)) {
    const who = `${name} ${client.user.username}`;
    const first = lineOf(client.user.id, "joined") ?? 1;
    const last = lineOf(client.user.id, "left") ?? total;
    for (const seq of client.held.keys()) if (seq < first || seq > last) problems.push(`${who}: holds seq ${seq}, outside their stay ${first}…${last}`);
    for (let seq = first; seq <= last; seq++) {
      const got = client.held.get(seq);
      const want = reference.held.get(seq);
      if (!got) problems.push(`${who}: seq ${seq} missing (their stay is ${first}…${last})`);
      else if (got.id !== want?.id) problems.push(`${who}: seq ${seq} is ${got.id}, ${reference.user.username} holds ${want?.id ?? "nothing"}`);
    }
  }
  if (history) {
    if (history.length !== total) problems.push(`${name}: the server's history has ${history.length} messages, the clients ${total}`);
    for (const m of history)
      if (reference.held.get(m.seq)?.id !== m.id)
        problems.push(`${name}: history seq ${m.seq} is ${m.id}, the clients hold ${reference.held.get(m.seq)?.id ?? "nothing"}`);
  }

  // Every acknowledged message is where it was acknowledged (so, by the above, with every member whose stay covers it),
  // every composed message was acknowledged, and nothing is stored that nobody composed.
  const composedBy = new Map(members.map((c) => [c.user.id, new Set(c.composed)]));
  for (const sender of members) {
    for (const [clientId, ack] of sender.acked) {
      const got = reference.held.get(ack.seq);
      if (got?.id !== ack.id) problems.push(`${name}: ${clientId} acked as seq ${ack.seq} but ${reference.user.username} holds ${got?.id ?? "nothing"} there`);
    }
    for (const clientId of sender.composed) if (!sender.acked.has(clientId)) problems.push(`${name}: ${clientId} was never acknowledged`);
  }
  let written = 0;
  for (const m of reference.held.values()) {
    if (m.system) continue;
    written++;
    if (!composedBy.get(m.senderId)?.has(m.clientId)) problems.push(`${name}: ${m.clientId} stored but never composed by its sender`);
  }
  const composed = members.reduce((n, c) => n + c.composed.length, 0);
  if (written !== composed) problems.push(`${name}: ${written} messages held, ${composed} composed`);
  return problems;
}
