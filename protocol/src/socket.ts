import * as z from "zod/mini";
import { AnyAck } from "./acks.ts";
import {
  ChatSettingsEvent,
  DeleteFrame,
  DeliveredFrame,
  EditFrame,
  ForwardFrame,
  GroupJoinRequestsEvent,
  GroupMembershipEvent,
  GroupReceiptEvent,
  GroupUpdatedEvent,
  HideFrame,
  MessageEvent,
  MessageHiddenEvent,
  MessageUpdatedEvent,
  ReactFrame,
  ReceiptEvent,
  SeenFrame,
  SendFrame,
  SyncFrame,
  TypingEvent,
  TypingFrame,
} from "./chat.ts";
import { Connection, ContactCard, ContactRequest, Presence, RequestEnd } from "./contacts.ts";
import { DeviceScanEvent, DeviceScanReceivedFrame, ScanToDeviceFrame } from "./deviceScan.ts";
import { ErrorBody } from "./errors.ts";
import { Device, LinkPublicKey, LinkQr } from "./linking.ts";
import { CreateSessionRequest, PairingQr, SessionId } from "./pairing.ts";
import { ClientId, Scan, ScanInput } from "./scan.ts";
import { personText } from "./text.ts";

/** Largest frame a client may send, in bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;

export const DeviceInfo = z.strictObject({
  name: personText("a device name", 64).check(z.minLength(1)),
  platform: personText("a platform", 64).check(z.minLength(1)),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

// ---- Handshake: the first frame on a socket ----------------------------------

/** The seed's phone handshake: the token from the QR (single use). */
export const PhoneHello = z.strictObject({ sessionId: SessionId, token: z.string().check(z.minLength(1), z.maxLength(2048)), device: z.optional(DeviceInfo) });
/** A phone typing the 8-character code shown under the QR. */
export const CodeHello = z.strictObject({ code: z.string().check(z.minLength(1), z.maxLength(32)), device: z.optional(DeviceInfo) });
/** A paired phone coming back after a drop, with the secret it got on CONNECTED. */
export const PhoneResumeHello = z.strictObject({ sessionId: SessionId, phoneToken: z.string().check(z.minLength(1), z.maxLength(256)) });
/** The desktop of a session: its own secret, never shown in the QR. */
export const DesktopHello = z.strictObject({ sessionId: SessionId, desktopToken: z.string().check(z.minLength(1), z.maxLength(256)) });

/** A signed-in user's client: the access token from sign-in (never in the URL, where logs would keep it). */
export const UserHello = z.strictObject({ accessToken: z.string().check(z.minLength(1), z.maxLength(4096)) });

/** A signed-out desktop asking to be linked to a signed-in phone: its public key K_pub and what it is. */
export const LinkHello = z.strictObject({ link: z.strictObject({ publicKey: LinkPublicKey, device: DeviceInfo }) });
export type LinkHello = z.infer<typeof LinkHello>;

/**
 * A desktop starting a session on its socket (what POST /create-session does, without its own
 * request): answered by WAITING with the session's `desktopToken`; a reconnect sends DesktopHello.
 */
export const CreateHello = z.strictObject({ create: CreateSessionRequest });

export const Handshake = z.union([PhoneHello, CodeHello, PhoneResumeHello, DesktopHello, UserHello, LinkHello, CreateHello]);
export type Handshake = z.infer<typeof Handshake>;

/** Each handshake by the one field no other has: a parse tries one schema, and its refusal names what is wrong with that one. */
const handshakeByField = {
  create: CreateHello,
  link: LinkHello,
  accessToken: UserHello,
  desktopToken: DesktopHello,
  phoneToken: PhoneResumeHello,
  code: CodeHello,
  token: PhoneHello,
} as const;

/** The schema `raw` must match, chosen by its distinguishing field; `Handshake` itself when it has none (which then refuses it). */
export function handshakeSchemaOf(raw: unknown): z.ZodMiniType<Handshake> {
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    for (const field in handshakeByField) if (Object.hasOwn(raw, field)) return handshakeByField[field as keyof typeof handshakeByField];
  }
  return Handshake;
}

// ---- After the handshake: client → server -----------------------------------

/** Frames that carry an `id` are answered by one ACK with that id (acks.ts names each one's answer). */
export const ScanFrame = z.strictObject({ type: z.literal("SCAN"), scan: ScanInput });
export const SetMultiPhoneFrame = z.strictObject({ type: z.literal("SET_MULTI_PHONE"), id: z.optional(ClientId), allow: z.boolean() });
export const CloseSessionFrame = z.strictObject({ type: z.literal("CLOSE_SESSION"), id: z.optional(ClientId) });
export const ScansSinceFrame = z.strictObject({ type: z.literal("SCANS_SINCE"), id: z.optional(ClientId), seq: z.int().check(z.nonnegative()) });

/** Any socket: proves the connection is alive (browsers cannot see the server's pings). Answered by ACK when it has an id. */
export const PingFrame = z.strictObject({ type: z.literal("PING"), id: z.optional(ClientId) });

export const ClientFrame = z.discriminatedUnion("type", [
  PingFrame,
  ScanFrame,
  SetMultiPhoneFrame,
  CloseSessionFrame,
  ScansSinceFrame,
  SendFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  ForwardFrame,
  HideFrame,
  DeliveredFrame,
  SeenFrame,
  TypingFrame,
  SyncFrame,
  ScanToDeviceFrame,
  DeviceScanReceivedFrame,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---- Server → client ---------------------------------------------------------

export const Role = z.enum(["desktop", "phone"]);
export type Role = z.infer<typeof Role>;

export const PhoneInfo = z.object({
  phoneId: z.string(),
  device: z.optional(DeviceInfo),
  online: z.boolean(),
});
export type PhoneInfo = z.infer<typeof PhoneInfo>;

/** The desktop is waiting for a phone: here is what to show (sent again on each rotation). */
export const WaitingEvent = z.object({
  type: z.literal("WAITING"),
  sessionId: SessionId,
  qr: PairingQr,
  /** The session stops waiting at this time. */
  expiresAt: z.int(),
  /** Only in answer to the `{create}` handshake: the desktop's secret, to come back with `{sessionId, desktopToken}`. */
  desktopToken: z.optional(z.string()),
});

/** Sent to both sides when a phone and the desktop are linked. */
export const ConnectedEvent = z.object({
  type: z.literal("CONNECTED"),
  sessionId: SessionId,
  role: Role,
  phones: z.array(PhoneInfo),
  desktopOnline: z.boolean(),
  allowMultiplePhones: z.boolean(),
  /** Desktop only, while it takes more phones: the code to show. */
  qr: z.optional(PairingQr),
  /** Phone only: the secret to reconnect with after a drop. */
  phoneToken: z.optional(z.string()),
  phoneId: z.optional(z.string()),
});

/** The other side went away (the link stays; it may come back). */
export const PeerLeftEvent = z.object({
  type: z.literal("PEER_LEFT"),
  role: Role,
  phones: z.array(PhoneInfo),
  desktopOnline: z.boolean(),
});

export const ExpiredEvent = z.object({ type: z.literal("EXPIRED"), sessionId: SessionId });
export const ClosedEvent = z.object({ type: z.literal("CLOSED"), sessionId: SessionId });

/**
 * The answer to a request frame (one with an `id`): its schemas, one per request type, are in
 * acks.ts. Here any of them, for a reader that does not know the request.
 */
export const AckEvent = z.pipe(z.looseObject({ type: z.literal("ACK") }), AnyAck);

export const ScanEvent = z.object({ type: z.literal("SCAN"), scan: Scan });
/** Scans the desktop missed, oldest first (answer to SCANS_SINCE and on reconnect). */
export const ScansEvent = z.object({ type: z.literal("SCANS"), scans: z.array(Scan) });

/** Answer to the `{accessToken}` handshake: the socket now acts for this user and session. */
export const AuthenticatedEvent = z.object({
  type: z.literal("AUTHENTICATED"),
  userId: z.string(),
  /** The sign-in session (refresh token family); the socket is closed when it is revoked. */
  sessionId: z.string(),
});

/** An error not tied to a request id. When it is fatal the server closes the socket right after (close code 4000–4999). */
export const ErrorEvent = z.object({ type: z.literal("ERROR"), error: ErrorBody });

// ---- Server → a desktop being linked (LinkHello) ------------------------------

/** The QR and code to show: on connect and on every rotation (none after `linkExpiresAt`). */
export const LinkCodeEvent = z.object({ type: z.literal("LINK_CODE"), linkId: z.string(), qr: LinkQr, linkExpiresAt: z.int() });
/** Nobody claimed the link in time; the server closes the socket (offer "New code"). */
export const LinkExpiredEvent = z.object({ type: z.literal("LINK_EXPIRED") });
/** A phone claimed the link and is asking its person. Carries nothing about the account. */
export const LinkScannedEvent = z.object({ type: z.literal("LINK_SCANNED") });
/** The person said no; final, the server closes the socket. */
export const LinkDeniedEvent = z.object({ type: z.literal("LINK_DENIED") });
/** Approved: redeem the ticket (single use, until `ticketExpiresAt`) at POST /api/link/redeem, signed with K. */
export const LinkApprovedEvent = z.object({ type: z.literal("LINK_APPROVED"), ticket: z.string(), ticketExpiresAt: z.int() });

// ---- Server → a signed-in user's every socket ---------------------------------

/** A new pending request: someone asked you (`incoming`), or you asked from another device (`outgoing`). */
export const ContactRequestAddedEvent = z.object({ type: z.literal("CONTACT_REQUEST_ADDED"), request: ContactRequest });
/** A pending request is gone: accepted, declined, cancelled or expired. */
export const ContactRequestRemovedEvent = z.object({
  type: z.literal("CONTACT_REQUEST_REMOVED"),
  requestId: z.string(),
  reason: RequestEnd,
});
/** You and someone are now connected. */
export const ConnectionAddedEvent = z.object({ type: z.literal("CONNECTION_ADDED"), connection: Connection });
/** A connection ended (either side removed it). */
/** `reason: "account_deleted"`: the other person deleted their account (their chats with you are gone too). */
export const ConnectionRemovedEvent = z.object({ type: z.literal("CONNECTION_REMOVED"), userId: z.string(), reason: z.optional(z.literal("account_deleted")) });
/** A connection came online or went offline (only connections ever get this). */
export const PresenceEvent = z.object({ type: z.literal("PRESENCE"), userId: z.string(), presence: Presence });
/**
 * Someone whose card you hold (a connection, or the other side of a pending request) changed their
 * profile or who sees their bio: the card as you may now see it. Replace it wherever it shows.
 */
export const ProfileUpdatedEvent = z.object({ type: z.literal("PROFILE_UPDATED"), user: ContactCard });
/** You blocked someone (sent to your own devices only). */
export const BlockAddedEvent = z.object({ type: z.literal("BLOCK_ADDED"), user: ContactCard });
export const BlockRemovedEvent = z.object({ type: z.literal("BLOCK_REMOVED"), userId: z.string() });
/** The desktop of a link this account claimed went away before redeeming: the link is aborted. */
export const LinkAbortedEvent = z.object({ type: z.literal("LINK_ABORTED"), linkId: z.string() });
/** A device was linked to this account (`current` is false). */
export const DeviceLinkedEvent = z.object({ type: z.literal("DEVICE_LINKED"), device: Device });
/**
 * Live events may have been missed (in cluster mode, the nodes lost each other for a while): run
 * every feature's catch-up (SYNC, contacts) as after a reconnect. The socket stays open.
 */
export const ResyncEvent = z.object({ type: z.literal("RESYNC") });

export const ServerEvent = z.discriminatedUnion("type", [
  WaitingEvent,
  ConnectedEvent,
  PeerLeftEvent,
  ExpiredEvent,
  ClosedEvent,
  AckEvent,
  ScanEvent,
  ScansEvent,
  AuthenticatedEvent,
  ErrorEvent,
  ContactRequestAddedEvent,
  ContactRequestRemovedEvent,
  ConnectionAddedEvent,
  ConnectionRemovedEvent,
  PresenceEvent,
  ProfileUpdatedEvent,
  BlockAddedEvent,
  BlockRemovedEvent,
  LinkCodeEvent,
  LinkExpiredEvent,
  LinkScannedEvent,
  LinkDeniedEvent,
  LinkApprovedEvent,
  LinkAbortedEvent,
  DeviceLinkedEvent,
  ResyncEvent,
  MessageEvent,
  MessageUpdatedEvent,
  MessageHiddenEvent,
  ReceiptEvent,
  TypingEvent,
  DeviceScanEvent,
  ChatSettingsEvent,
  GroupUpdatedEvent,
  GroupMembershipEvent,
  GroupReceiptEvent,
  GroupJoinRequestsEvent,
]);
export type ServerEvent = z.infer<typeof ServerEvent>;
export type ServerEventOf<T extends ServerEvent["type"]> = Extract<ServerEvent, { type: T }>;

/** WebSocket close codes the server uses (4000–4999 are the application's). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  tooLarge: 1009,
  error: 4000,
  sessionEnded: 4001,
  /** The user's sign-in session was revoked (logout, refresh reuse, account deleted). */
  sessionRevoked: 4003,
  slowConsumer: 4008,
} as const;
