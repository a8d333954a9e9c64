import type { Chat, Message, SystemEvent, SystemUser } from "@easyqr/protocol";

/** Names a person by id ("You" for oneself); what the screens pass around. */
export type Names = (userId: string) => string;

/** "Ada", "Ada and Bob", "Ada, Bob and Cy". */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] ?? ""}`;
}

function settingsText(settings: Extract<SystemEvent, { event: "settings_changed" }>["settings"]): string {
  const send = settings.onlyAdminsSend ? "only admins can send messages" : "all members can send messages";
  const edit = settings.onlyAdminsEdit ? "only admins can edit the group info" : "all members can edit the group info";
  return `${send}; ${edit}`;
}

/**
 * What a system line says ("Ada added Bob and you"). The actor is the message's sender; the people
 * it was done to are named by the line itself (their name then), unless known better now.
 */
export function systemText(system: SystemEvent, actorId: string, names: Names, me: string): string {
  const actor = names(actorId);
  const person = (user: SystemUser) => (user.id === me ? "you" : (user.name ?? names(user.id)));
  const people = (users: readonly SystemUser[]) => listNames(users.map(person));
  switch (system.event) {
    case "created":
      return `${actor} created the group “${system.name}”`;
    case "joined":
      return system.approvedBy ? `${actor} joined, approved by ${person(system.approvedBy)}` : `${actor} joined using the group’s invite link`;
    case "added":
      return `${actor} added ${people(system.users)}`;
    case "left":
      return `${actor} left`;
    case "removed":
      return `${actor} removed ${people(system.users)}`;
    case "renamed":
      return `${actor} changed the group name to “${system.name}”`;
    case "photo_changed":
      return system.removed ? `${actor} removed the group photo` : `${actor} changed the group photo`;
    case "description_changed":
      return `${actor} changed the group description`;
    case "admin_added": {
      const who = people(system.users);
      const many = system.users.length > 1;
      if (!system.automatic) return `${actor} made ${who} ${many ? "admins" : "an admin"}`;
      const are = many || system.users[0]?.id === me;
      return `${who.charAt(0).toUpperCase()}${who.slice(1)} ${are ? "are" : "is"} now ${many ? "admins" : "an admin"}`;
    }
    case "admin_removed":
      return `${actor} removed ${people(system.users)} as admin`;
    case "settings_changed":
      return `${actor} changed the settings: ${settingsText(system.settings)}`;
  }
}

/** "Ada is typing…", "Ada and Bob are typing…", "3 people are typing…"; empty when nobody types. */
export function typingText(typists: readonly string[], names: Names): string {
  if (typists.length === 0) return "";
  if (typists.length === 1) return `${names(typists[0] ?? "")} is typing…`;
  if (typists.length === 2) return `${listNames(typists.map(names))} are typing…`;
  return `${typists.length} people are typing…`;
}

/** Who may write in a group now, and if not, the line the composer shows instead. */
export function groupComposerLock(chat: Chat): string | undefined {
  if (chat.kind !== "group") return undefined;
  if (chat.role === null) return "You can’t send messages to this group because you’re no longer a member.";
  if (chat.group.settings.onlyAdminsSend && chat.role !== "admin") return "Only admins can send messages.";
  return undefined;
}

/** A group row's preview: "Ada: hi", "You: hi", or the system line. */
export function groupPreview(message: Message, body: string, names: Names, me: string): string {
  if (message.system) return systemText(message.system, message.senderId, names, me);
  if (message.deletedAt !== null) return body;
  // The 1-1 preview already starts with "You: " for one's own.
  return message.senderId === me ? body : `${names(message.senderId)}: ${body}`;
}
