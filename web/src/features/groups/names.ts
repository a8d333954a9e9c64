import type { Connection, GroupInfo, Message, PublicUser, SystemUser } from "@easyqr/protocol";
import { displayName } from "../chat/messageText.ts";
import type { Names } from "./groupText.ts";

/**
 * Names people of a chat: oneself "You", then the group's current members, one's connections,
 * people seen in a member list earlier, the names system lines gave (who did it and to whom) and
 * `others` the server named (a group's last sender); else "Former member".
 */
export function peopleNames(
  me: string,
  info: GroupInfo | undefined,
  connections: readonly Connection[],
  messages: readonly Message[] = [],
  seen: Readonly<Record<string, PublicUser>> = {},
  others: readonly SystemUser[] = [],
): Names {
  const known = new Map<string, string>();
  for (const user of others) if (user.name) known.set(user.id, user.name);
  for (const message of messages) {
    const system = message.system;
    if (!system) continue;
    const users = "users" in system ? system.users : system.event === "joined" && system.approvedBy ? [system.approvedBy] : [];
    for (const user of [...users, ...(system.actor ? [system.actor] : [])]) if (user.name) known.set(user.id, user.name);
  }
  for (const user of Object.values(seen)) known.set(user.id, displayName(user));
  for (const c of connections) known.set(c.user.id, displayName(c.user));
  for (const m of info?.members ?? []) known.set(m.user.id, displayName(m.user));
  return (userId) => (userId === me ? "You" : (known.get(userId) ?? "Former member"));
}
