import type { BioVisibility } from "@easyqr/protocol";
import type { Generated, Kysely } from "kysely";

/**
 * Tables as the code sees them. Columns are snake_case in the database and
 * camelCase here (Kysely's CamelCasePlugin). Times are milliseconds since the
 * epoch in a BIGINT/INTEGER; there are no booleans (SQLite has none): a nullable
 * time says whether something happened.
 */
export type UsersTable = {
  id: string;
  /** Lower-case; unique. */
  email: string | null;
  /** E.164; unique. */
  phone: string | null;
  /** As chosen (always lower case today). */
  username: string | null;
  /** Lower-cased username; the unique index that makes usernames case-insensitive. */
  usernameKey: string | null;
  name: string | null;
  bio: string | null;
  /** Who sees the bio besides connections. */
  bioVisibility: BioVisibility;
  /** Storage id of the current avatar (its files are `<id>.webp` and `<id>-thumb.webp`). */
  avatarId: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the user's last socket went offline (presence). */
  lastSeenAt: number | null;
  /** Set while the user hides last seen (and so sees nobody's). */
  lastSeenHiddenAt: number | null;
};

export type OtpPurpose = "sign_in" | "change_identifier";
export type IdentifierKind = "email" | "phone";

/** One code request ("challenge"): its own id, code and tries. Asking again makes another one. */
export type OtpChallengesTable = {
  id: string;
  purpose: OtpPurpose;
  kind: IdentifierKind;
  /** Normalised email or E.164 phone. */
  identifier: string;
  /** For `change_identifier`: whose email/phone changes. */
  userId: string | null;
  /** HMAC-SHA256(server key, `<id>:<code>`), base64url. */
  codeHash: string;
  attempts: number;
  /** Always 1 since each request is its own challenge (resends once replaced the code of a live one). */
  sends: number;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
};

/** A sign-in session: one refresh-token family on one device. */
export type AuthSessionsTable = {
  id: string;
  userId: string;
  createdAt: number;
  /** Absolute end: refreshing never extends it. */
  expiresAt: number;
  lastUsedAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
  deviceName: string | null;
  devicePlatform: string | null;
  /** `primary`: signed in with a code; `linked`: a desktop linked by a phone. */
  kind: Generated<"primary" | "linked">;
  /** A linked device's key (base64url SPKI): its refreshes must be signed with it. */
  publicKey: string | null;
  /** Where the session was made (what the devices list shows). */
  ip: string | null;
  userAgent: string | null;
};

export type RefreshTokensTable = {
  /** SHA-256 of the token, base64url. The token itself is never stored. */
  tokenHash: string;
  sessionId: string;
  createdAt: number;
  /** Set when it was exchanged; presenting it again is reuse (unless its answer was lost: `replacedBy`). */
  usedAt: number | null;
  /** The hash of the token its exchange made; null while unused and for one superseded by a lost answer's repeat. */
  replacedBy: Generated<string | null>;
};

/** Sliding-window rate limits: one row per counted event. */
export type RateEventsTable = { key: string; at: number };
/** One row per limited key, locked while its events are counted (serialises concurrent checks). */
export type RateKeysTable = { key: string; touchedAt: number };

/** A "My QR" token: only its hash is kept. Replaced tokens are `rotatedAt`; each request sent with it is a use. */
export type ContactQrTokensTable = {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  rotatedAt: number | null;
  uses: number;
  maxUses: number;
};

export type RequestVia = "qr" | "username";

/**
 * A pending connection request (answered ones are deleted). `userLow`/`userHigh` are the two
 * users in a fixed order, unique: one pending request per pair, whichever way it goes.
 */
export type ContactRequestsTable = {
  id: string;
  fromUserId: string;
  toUserId: string;
  userLow: string;
  userHigh: string;
  via: RequestVia;
  createdAt: number;
  expiresAt: number;
  /** Set when the recipient had blocked the sender: only the sender sees it (it looks pending to them). */
  hiddenAt: number | null;
};

/** One row per connected pair, `userLow` < `userHigh` as JavaScript orders strings. */
export type ConnectionsTable = { userLow: string; userHigh: string; createdAt: number };

export type BlocksTable = { blockerId: string; blockedId: string; createdAt: number };

/** A 1-1 chat: `userLow` < `userHigh`, unique. `lastSeq` numbers messages without gaps; `rev` counts every change. */
export type ChatsTable = {
  id: string;
  /** The pair of a 1-1 chat; null for a group (migration 0016). */
  userLow: string | null;
  userHigh: string | null;
  createdAt: number;
  lastSeq: number;
  rev: number;
  /** When `rev` last moved, wall-clock epoch ms (0: before migration 0017): cluster order's hint (ADR 0009). */
  revAt: Generated<number>;
  /** How many messages each of a 1-1 chat's pair sent (0 in a group; migration 0022): a member's unread count is the peer's minus their `peerSeen`. */
  lowSent: Generated<number>;
  highSent: Generated<number>;
  lastMessageId: string | null;
  kind: Generated<"direct" | "group">;
  /** The chat's last activity, written with every message; null in a 1-1 chat with no message since 1-1 chats kept it per member (their `activity_at` still has it). */
  activityAt: Generated<number | null>;
  /** A group's lowest watermarks over its current members: the ticks. */
  minDeliveredSeq: Generated<number>;
  minSeenSeq: Generated<number>;
};

export type GroupsTable = {
  chatId: string;
  name: string;
  description: string | null;
  avatarId: string | null;
  onlyAdminsSend: number;
  onlyAdminsEdit: number;
  createdBy: string;
  memberCount: number;
  createdAt: number;
};

/** One stay of a person in a group (an epoch): they see messages with fromSeq < seq <= toSeq (toSeq null while in). */
export type ChatMembershipsTable = {
  chatId: string;
  userId: string;
  epoch: number;
  fromSeq: number;
  toSeq: number | null;
  toRev: number | null;
  joinedAt: number;
  leftAt: number | null;
  leftReason: "left" | "removed" | null;
};

export type GroupInvitesTable = {
  tokenHash: string;
  chatId: string;
  nonce: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  needsApproval: number;
};

export type GroupJoinRequestsTable = { chatId: string; userId: string; requestedAt: number };

/** A member's receipts (watermarks that only move forward; seen ≤ delivered), and a 1-1 chat's activity when it was made (a message moves the chat's own). */
export type ChatMembersTable = {
  chatId: string;
  userId: string;
  deliveredSeq: number;
  seenSeq: number;
  /** Not kept since migration 0022 (a 1-1 chat's unread is the peer's sent count minus `peerSeen`, a group's is derived from its marks). */
  unread: number;
  /** In a 1-1 chat, how many of the peer's messages are at or below `seenSeq` (migration 0022). */
  peerSeen: Generated<number>;
  activityAt: number;
  pinnedAt: number | null;
  archivedAt: number | null;
  mutedUntil: number | null;
  /** How many messages this member deleted for themselves here (the last `hidden_messages.n`; migration 0011). */
  hidden: Generated<number>;
  /** "Mark as unread" (0 or 1: SQLite has no boolean). */
  markedUnread: number;
  /** Counts this member's changes to the four settings (SYNC's cursor for them). */
  settingsRev: number;
  /** A group member's role; null in 1-1 chats and once they left the group (migration 0016). */
  role: Generated<"member" | "admin" | null>;
  /** A group member's current (or last) stay: they see messages after this seq … */
  fromSeq: Generated<number>;
  /** … up to this one once they left (null while in), and no change after `leftRev`. */
  leftSeq: Generated<number | null>;
  leftRev: Generated<number | null>;
};

export type MessagesTable = {
  id: string;
  chatId: string;
  seq: number;
  /** The chat's rev at this message's last change (new, edited, deleted, reacted to). */
  rev: number;
  senderId: string;
  clientId: string;
  /** Null once deleted for everyone. */
  text: string | null;
  replyToId: string | null;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  /** When it last changed after it was sent (edit, delete, reaction); null for one never changed. */
  changedAt: number | null;
  /** 1 when it is a forwarded copy of another message (migration 0011). */
  forwarded: number;
  /** A group's system line: its SystemEvent as JSON (migration 0016). */
  system: Generated<string | null>;
  /** The user ids a group message mentions, as a JSON array; null when none. */
  mentions: Generated<string | null>;
};

export type AttachmentsTable = {
  id: string;
  chatId: string;
  uploaderId: string;
  /** Null until a message carries it. */
  messageId: string | null;
  /** Order within its message. */
  position: number;
  kind: "image" | "file";
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  storageKey: string;
  thumbKey: string | null;
  createdAt: number;
};

export type ReactionsTable = { messageId: string; userId: string; emoji: string; createdAt: number };

/** One advance of a device's (sign-in session's) own watermarks in a chat: both, as they are after it (migration 0008). */
export type DeviceReceiptsTable = { chatId: string; userId: string; sessionId: string; deliveredSeq: number; seenSeq: number; at: number };

export type Schema = {
  users: UsersTable;
  otpChallenges: OtpChallengesTable;
  authSessions: AuthSessionsTable;
  refreshTokens: RefreshTokensTable;
  rateEvents: RateEventsTable;
  rateKeys: RateKeysTable;
  contactQrTokens: ContactQrTokensTable;
  contactRequests: ContactRequestsTable;
  connections: ConnectionsTable;
  blocks: BlocksTable;
  chats: ChatsTable;
  chatMembers: ChatMembersTable;
  messages: MessagesTable;
  attachments: AttachmentsTable;
  reactions: ReactionsTable;
  deviceReceipts: DeviceReceiptsTable;
  hiddenMessages: HiddenMessagesTable;
  groups: GroupsTable;
  chatMemberships: ChatMembershipsTable;
  groupInvites: GroupInvitesTable;
  groupJoinRequests: GroupJoinRequestsTable;
};

/** A message one member deleted for themselves (migration 0011): `n` counts their hides in the chat. */
export type HiddenMessagesTable = {
  userId: string;
  messageId: string;
  chatId: string;
  n: number;
  hiddenAt: number;
};

export type Db = Kysely<Schema>;
