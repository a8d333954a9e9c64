import type { ChatSettings, DirectChat, GroupChat, Message } from "@easyqr/protocol";

export const ME = "11111111-1111-4111-8111-111111111111";
export const PEER = "22222222-2222-4222-8222-222222222222";
export const CHAT = "33333333-3333-4333-8333-333333333333";

export const message = (seq: number, rev = seq, patch: Partial<Message> = {}): Message => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
  chatId: CHAT,
  seq,
  rev,
  senderId: seq % 2 ? PEER : ME,
  clientId: `c${seq}`,
  text: `message ${seq}`,
  replyTo: null,
  attachments: [],
  reactions: [],
  createdAt: 1_000 * seq,
  editedAt: null,
  deletedAt: null,
  forwarded: false,
  system: null,
  mentions: [],
  ...patch,
});

export const noSettings: ChatSettings = { pinnedAt: null, archivedAt: null, mutedUntil: null, markedUnread: false, rev: 0 };

/** The chat as the server would answer it after these messages. */
export const chat = (messages: Message[], patch: Partial<DirectChat> = {}): DirectChat => {
  const last = messages.reduce<Message | null>((a, m) => (a && a.seq > m.seq ? a : m), null);
  return {
    kind: "direct",
    id: CHAT,
    peer: { id: PEER, name: "Bob", username: "bob", bio: null, avatar: null },
    connected: true,
    lastSeq: last?.seq ?? 0,
    rev: messages.reduce((r, m) => Math.max(r, m.rev), 0),
    lastMessage: last,
    unread: 0,
    mine: { deliveredSeq: 0, seenSeq: 0 },
    theirs: { deliveredSeq: 0, seenSeq: 0 },
    activityAt: last?.createdAt ?? 0,
    hidden: 0,
    settings: noSettings,
    ...patch,
  };
};

export const GROUP = "44444444-4444-4444-8444-444444444444";
export const ADA = "55555555-5555-4555-8555-555555555555";

/** A group this person is in, as the server would answer it. */
export const groupChat = (messages: Message[], patch: Partial<GroupChat> = {}): GroupChat => {
  const { kind: _kind, peer: _peer, connected: _connected, ...base } = chat(messages);
  return {
    ...base,
    id: GROUP,
    kind: "group",
    group: {
      name: "Climbing",
      description: null,
      avatar: null,
      memberCount: 3,
      settings: { onlyAdminsSend: false, onlyAdminsEdit: false },
      createdBy: ME,
      createdAt: 1,
    },
    role: "member",
    lastSenderName: null,
    ...patch,
  };
};
