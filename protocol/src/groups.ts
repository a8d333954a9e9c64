import * as z from "zod/mini";
import { bounded, personText } from "./text.ts";
import { Avatar, PublicUser, UserId } from "./users.ts";

/**
 * Groups (ADR 0008): chats of up to `MAX_GROUP_MEMBERS` people. A group is a chat with
 * `kind: "group"`; everything a 1-1 chat has (messages, receipts, SYNC, history, attachments) works
 * on it by its chat id. What only groups have is here.
 */

/** Most members a group holds (its creator included). */
export const MAX_GROUP_MEMBERS = 1_024;
/** Groups one person may create in any 24 hours; one more answers GROUP_LIMIT. */
export const MAX_GROUPS_PER_DAY = 20;
/** Most people one create or add request names (a group is filled in several adds). */
export const MAX_ADD_MEMBERS = 256;
/** Most people one message may mention. */
export const MAX_MENTIONS = 50;
/** How long a group's invite link works unless revoked or replaced first. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;
/** Most pending join requests a group keeps; a further request answers GROUP_FULL. */
export const MAX_JOIN_REQUESTS = 1_024;

/** A group's chat id (the `chatId` of its `Chat`). */
export const GroupId = z.uuid();

export const GroupName = personText("a group name", 100).check(z.trim(), z.minLength(1, "a group name is 1–100 characters"));
export const GroupDescription = personText("a group description", 512, { lines: true }).check(z.trim());

/** `admin`: may add and remove members, make admins, manage the invite link and join requests. */
export const GroupRole = z.enum(["member", "admin"]);
export type GroupRole = z.infer<typeof GroupRole>;

export const GroupSettings = z.object({
  /** Only admins may send (others still read, react and receipt). */
  onlyAdminsSend: z.boolean(),
  /** Only admins may change name, description and photo (settings and members are always admins'). */
  onlyAdminsEdit: z.boolean(),
});
export type GroupSettings = z.infer<typeof GroupSettings>;

/** What every member sees of a group (the same for all: sent once as GROUP_UPDATED). */
export const GroupCard = z.object({
  name: z.string(),
  /** Null when there is none. */
  description: z.nullable(z.string()),
  /** The group's photo (as a user's avatar: 512 px and 96 px WebP). */
  avatar: z.nullable(Avatar),
  memberCount: z.int().check(z.nonnegative()),
  settings: GroupSettings,
  createdBy: z.string(),
  createdAt: z.int(),
});
export type GroupCard = z.infer<typeof GroupCard>;

/** One current member. */
export const GroupMember = z.object({
  user: PublicUser,
  role: GroupRole,
  /** When this membership (epoch) began: created, added, joined or approved. */
  joinedAt: z.int(),
});
export type GroupMember = z.infer<typeof GroupMember>;

/** `GET /api/groups/:chatId`: the card and every current member, admins first, then by joining. */
export const GroupInfo = z.object({
  chatId: z.string(),
  group: GroupCard,
  members: z.array(GroupMember),
  /** Admins only: pending join requests (0 for others). */
  pendingRequests: z.int().check(z.nonnegative()),
});
export type GroupInfo = z.infer<typeof GroupInfo>;

/** A person as a system line names them: their name when it happened (they may have left since). */
export const SystemUser = z.object({ id: z.string(), name: z.nullable(z.string()) });
export type SystemUser = z.infer<typeof SystemUser>;

/**
 * Who did what a system line says: the message's `senderId`, with their name then (so a `left` line
 * still names a person nobody sees any more). Lines written before the server added it have none.
 */
const byActor = { actor: z.optional(SystemUser) };

/**
 * What a system line says. Its message's `senderId` is who did it, `actor` with their name (the
 * joiner for `joined`, the leaver for `left`, the admin for `removed`); `users` are the people it
 * was done to.
 */
export const SystemEvent = z.discriminatedUnion("event", [
  z.object({ event: z.literal("created"), name: z.string(), ...byActor }),
  /** Joined through the invite link (or was approved: `approvedBy`). */
  z.object({ event: z.literal("joined"), approvedBy: z.nullable(SystemUser), ...byActor }),
  z.object({ event: z.literal("added"), users: z.array(SystemUser), ...byActor }),
  z.object({ event: z.literal("left"), ...byActor }),
  z.object({ event: z.literal("removed"), users: z.array(SystemUser), ...byActor }),
  z.object({ event: z.literal("renamed"), name: z.string(), ...byActor }),
  z.object({ event: z.literal("photo_changed"), removed: z.boolean(), ...byActor }),
  z.object({ event: z.literal("description_changed"), ...byActor }),
  /** `users` became admins; `automatic`: the last admin left and the longest member took over. */
  z.object({ event: z.literal("admin_added"), users: z.array(SystemUser), automatic: z.boolean(), ...byActor }),
  z.object({ event: z.literal("admin_removed"), users: z.array(SystemUser), ...byActor }),
  z.object({ event: z.literal("settings_changed"), settings: GroupSettings, ...byActor }),
]);
export type SystemEvent = z.infer<typeof SystemEvent>;

/** An admin's view of the group's one live invite link. */
export const GroupInvite = z.object({
  /** The text encoded in the QR: `<server>/join#t=<token>`. */
  url: z.string(),
  token: z.string(),
  /** It stops working then (ms since epoch), or earlier when revoked or replaced. */
  expiresAt: z.int(),
  /** Each join through it waits for an admin's approval. */
  needsApproval: z.boolean(),
  createdBy: z.string(),
  createdAt: z.int(),
});
export type GroupInvite = z.infer<typeof GroupInvite>;

/** The secret of an invite link: 128 random bits, base64url. Only its hash is stored. */
export const InviteToken = bounded(64, "not a group invite token").check(z.regex(/^[A-Za-z0-9_-]{16,64}$/, "not a group invite token"));

/** A person waiting for an admin to let them in. */
export const JoinRequest = z.object({ user: PublicUser, requestedAt: z.int() });
export type JoinRequest = z.infer<typeof JoinRequest>;
export const JoinRequests = z.object({ requests: z.array(JoinRequest) });
export type JoinRequests = z.infer<typeof JoinRequests>;

// ---- REST bodies and answers ----------------------------------------------------

export const GroupParams = z.strictObject({ chatId: GroupId });
export const GroupMemberParams = z.strictObject({ chatId: GroupId, userId: UserId });

/** `POST /api/groups`: the creator is its first admin; `memberIds` are the creator's connections. */
export const CreateGroupRequest = z.strictObject({
  name: GroupName,
  description: z.optional(GroupDescription),
  memberIds: z._default(z.array(UserId).check(z.maxLength(MAX_ADD_MEMBERS)), []),
  settings: z.optional(z.partial(z.strictObject(GroupSettings.shape))),
});
export type CreateGroupRequest = z.infer<typeof CreateGroupRequest>;

/** `PATCH /api/groups/:chatId`: any of these (at least one); `description: null` clears it. */
export const UpdateGroupRequest = z
  .strictObject({
    name: z.optional(GroupName),
    description: z.optional(z.nullable(GroupDescription)),
    settings: z.optional(z.partial(z.strictObject(GroupSettings.shape))),
  })
  .check(z.refine((r) => Object.keys(r).length > 0, "name something to change"));
export type UpdateGroupRequest = z.infer<typeof UpdateGroupRequest>;

/** `POST /api/groups/:chatId/members`: add connections of the admin (members already in are skipped). */
export const AddMembersRequest = z.strictObject({ userIds: z.array(UserId).check(z.minLength(1), z.maxLength(MAX_ADD_MEMBERS)) });
export type AddMembersRequest = z.infer<typeof AddMembersRequest>;

/** `POST /api/groups/:chatId/invite`: a new link, replacing (revoking) the live one. */
export const CreateInviteRequest = z.strictObject({ needsApproval: z._default(z.boolean(), false) });
export type CreateInviteRequest = z.infer<typeof CreateInviteRequest>;
/** `GET /api/groups/:chatId/invite`: the live link, or null when there is none (revoked or expired). */
export const InviteState = z.object({ invite: z.nullable(GroupInvite) });
export type InviteState = z.infer<typeof InviteState>;

/** `POST /api/groups/invites/preview` and `POST /api/groups/join`: the token from the scanned QR. */
export const InviteTokenRequest = z.strictObject({ token: InviteToken });
export type InviteTokenRequest = z.infer<typeof InviteTokenRequest>;

/** A scanned group QR, before joining: what the group is and how the scanner stands with it. */
export const InvitePreview = z.object({
  chatId: z.string(),
  name: z.string(),
  description: z.nullable(z.string()),
  avatar: z.nullable(Avatar),
  memberCount: z.int().check(z.nonnegative()),
  needsApproval: z.boolean(),
  /** `member`: already in; `requested`: waiting for approval; `none`: may join or ask. */
  status: z.enum(["none", "member", "requested"]),
});
export type InvitePreview = z.infer<typeof InvitePreview>;

/** `joined`: a member now (or already); `requested`: an admin must approve (GROUP_JOIN_REQUESTS to admins). */
export const JoinResult = z.object({ chatId: z.string(), status: z.enum(["joined", "requested"]) });
export type JoinResult = z.infer<typeof JoinResult>;

/** Message info of a group message: each other member the message reached, and when it was read. */
export const MemberReceipt = z.object({
  userId: z.string(),
  /** When the first of their devices got it; null while none has. */
  deliveredAt: z.nullable(z.int()),
  readAt: z.nullable(z.int()),
});
export type MemberReceipt = z.infer<typeof MemberReceipt>;
