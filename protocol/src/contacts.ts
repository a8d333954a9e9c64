import * as z from "zod/mini";
import { bounded } from "./text.ts";
import { PublicUser, UserId, Username } from "./users.ts";

/** The secret in a "My QR" code: 128 random bits, base64url. Only its hash is stored. */
export const ContactToken = bounded(64, "not a contact QR token").check(z.regex(/^[A-Za-z0-9_-]{16,64}$/, "not a contact QR token"));

/** What a user shows as "My QR": rotate it (ask again) about every `rotatesAt`. */
export const ContactQr = z.object({
  /** The text encoded in the QR: `<server>/add#t=<token>`. */
  url: z.string(),
  token: z.string(),
  /** The token stops being accepted at this time (ms since epoch), even if never rotated. */
  expiresAt: z.int(),
  /** Ask for a new one at this time; the replaced token keeps working a short grace after that. */
  rotatesAt: z.int(),
  /** How many requests the token can carry before it is used up. */
  maxUses: z.int().check(z.positive()),
});
export type ContactQr = z.infer<typeof ContactQr>;

/**
 * Who someone is, as the viewer may see them: what a scanned QR, a request, the blocked list or a
 * chat shows. The same shape as PublicUser: the bio only when the viewer may see it.
 */
export const ContactCard = PublicUser;
export type ContactCard = z.infer<typeof ContactCard>;

/**
 * How the signed-in user stands with someone: `none`, `connected`, `outgoing` (you asked them),
 * `incoming` (they asked you), `blocked` (you blocked them). Never tells that they blocked you.
 */
export const Relation = z.enum(["none", "connected", "outgoing", "incoming", "blocked"]);
export type Relation = z.infer<typeof Relation>;

export const QrPreviewRequest = z.strictObject({ token: ContactToken });
export type QrPreviewRequest = z.infer<typeof QrPreviewRequest>;

/** A scanned QR, before anything is sent: whose it is. */
export const QrPreview = z.object({
  user: ContactCard,
  relation: Relation,
  /** Send the request before this time (ms since epoch). */
  expiresAt: z.int(),
});
export type QrPreview = z.infer<typeof QrPreview>;

/** Ask someone to connect: by the token of their QR, or by username (the fallback). */
export const SendContactRequest = z.union([z.strictObject({ token: ContactToken }), z.strictObject({ username: Username })]);
export type SendContactRequest = z.infer<typeof SendContactRequest>;

export const RequestDirection = z.enum(["incoming", "outgoing"]);
export type RequestDirection = z.infer<typeof RequestDirection>;

/** A pending connection request, seen from one side. */
export const ContactRequest = z.object({
  id: z.string(),
  direction: RequestDirection,
  /** The other side: the sender of an incoming request, the recipient of an outgoing one. */
  user: ContactCard,
  createdAt: z.int(),
  /** Unanswered requests are dropped at this time. */
  expiresAt: z.int(),
});
export type ContactRequest = z.infer<typeof ContactRequest>;

export const ContactRequests = z.object({ incoming: z.array(ContactRequest), outgoing: z.array(ContactRequest) });
export type ContactRequests = z.infer<typeof ContactRequests>;

/** Online state of a connection. `lastSeen` is null while online, when never seen, or when either side hides last seen. */
export const Presence = z.object({
  online: z.boolean(),
  /** When their last device went offline (ms since epoch). */
  lastSeen: z.nullable(z.int()),
});
export type Presence = z.infer<typeof Presence>;

/** Someone both sides agreed to: their profile and presence. */
export const Connection = z.object({
  user: PublicUser,
  /** When the connection was made (ms since epoch). */
  since: z.int(),
  presence: Presence,
});
export type Connection = z.infer<typeof Connection>;

export const Connections = z.object({ connections: z.array(Connection) });
export type Connections = z.infer<typeof Connections>;

/** The answer to a request: pending, or at once a connection when they had already asked you. */
export const SendContactRequestResponse = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("requested"), request: ContactRequest }),
  z.object({ outcome: z.literal("connected"), connection: Connection }),
]);
export type SendContactRequestResponse = z.infer<typeof SendContactRequestResponse>;

export const Blocks = z.object({ users: z.array(ContactCard) });
export type Blocks = z.infer<typeof Blocks>;

export const UserIdParams = z.strictObject({ userId: UserId });
export const RequestIdParams = z.strictObject({ requestId: z.uuid() });

/** Why a request left the pending list. */
export const RequestEnd = z.enum(["accepted", "declined", "cancelled", "expired"]);
export type RequestEnd = z.infer<typeof RequestEnd>;
