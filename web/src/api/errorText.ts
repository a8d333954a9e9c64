import type { ErrorCode } from "@easyqr/protocol";
import { ApiError, type ClientErrorCode } from "./http.ts";

/**
 * What a person reads for each error code: the one place that turns codes into words.
 * Branch on the code, never on the server's message (that one is for developers).
 */
const words: Record<ErrorCode, string> = {
  BAD_REQUEST: "The server did not understand that request. Please try again.",
  VALIDATION: "Something in that was not accepted. Check it and try again.",
  BODY_TOO_LARGE: "That is too much to send at once. Make it shorter and try again.",
  URI_TOO_LONG: "That address is too long for the server.",
  HEADERS_TOO_LARGE: "The request was too large for the server. Reload the page.",
  UNSUPPORTED_MEDIA_TYPE: "The server did not understand that request. Reload the page.",
  NOT_FOUND: "That was not found on the server.",
  RATE_LIMITED: "Too many attempts. Wait a minute, then try again.",
  INTERNAL: "Something went wrong on the server. Please try again.",
  UNAVAILABLE: "The server cannot reach its database right now. Try again in a moment.",
  ORIGIN_FORBIDDEN: "This page may not connect to that server. Open EasyQR from the server's own address.",
  HANDSHAKE_INVALID: "The connection request was not understood. Scan the code on the desktop again.",
  HANDSHAKE_TIMEOUT: "The connection took too long to start. Trying again…",
  FRAME_INVALID: "The server refused a message from this page. Reload the page.",
  FRAME_TOO_LARGE: "That was too large to send.",
  SLOW_CONSUMER: "The connection is too slow. Reconnecting…",
  PAIR_TOKEN_INVALID: "This is not a valid EasyQR pairing code. Scan the QR code on the desktop again.",
  PAIR_TOKEN_EXPIRED: "This code has expired — ask the desktop for a new one.",
  PAIR_TOKEN_USED: "This code has already been used. Scan the code the desktop shows now.",
  PAIR_TOKEN_ROTATED: "This code was replaced by a newer one. Scan the code the desktop shows now.",
  PAIR_CODE_INVALID: "No desktop is showing that code. Check the 8 characters and try again.",
  PAIR_SESSION_NOT_FOUND: "That desktop session no longer exists. Create a new one on the desktop.",
  PAIR_SESSION_EXPIRED: "That desktop session has expired — click “New code” on the desktop.",
  PAIR_SESSION_CLOSED: "The desktop ended this session.",
  PAIR_SESSION_FULL: "Another phone is already linked. Turn on “Allow more phones” on the desktop to add this one.",
  PAIR_DESKTOP_TOKEN_INVALID: "This desktop session cannot be resumed. Create a new session.",
  PAIR_PHONE_TOKEN_INVALID: "This phone is no longer linked. Scan the desktop's code again.",
  PAIR_NOT_PAIRED: "No phone is linked to this desktop yet.",
  AUTH_REQUIRED: "Please sign in to continue.",
  AUTH_TOKEN_INVALID: "Your sign-in could not be checked. Please sign in again.",
  AUTH_TOKEN_EXPIRED: "Your sign-in has expired. Please sign in again.",
  AUTH_SESSION_REVOKED: "You were signed out on this device (by logging out here or from another device). Please sign in again.",
  AUTH_REFRESH_INVALID: "Your saved sign-in is no longer valid. Please sign in again.",
  AUTH_REFRESH_EXPIRED: "Your sign-in reached its time limit, so you were signed out. Please sign in again.",
  AUTH_REFRESH_REUSED: "For your safety you were signed out: this sign-in was used from somewhere else. Please sign in again.",
  AUTH_CODE_INVALID: "That code is not right. Check the 6 digits and try again.",
  AUTH_CODE_EXPIRED: "This code has expired. Send a new code and use that one.",
  AUTH_CODE_LOCKED: "Too many wrong codes, so this code is locked. Send a new code.",
  AUTH_CODE_USED: "This code has already been used. Send a new code.",
  AUTH_DELIVERY_FAILED: "We could not send the code just now. Try again in a moment.",
  IDENTIFIER_INVALID: "That email address or phone number does not look right.",
  USERNAME_TAKEN: "That username is taken. Try another one.",
  EMAIL_TAKEN: "Another account already uses this email address.",
  PHONE_TAKEN: "Another account already uses this phone number.",
  USER_NOT_FOUND: "That account was not found. It may have been deleted.",
  USERNAME_NOT_FOUND: "Nobody has that username. Check the spelling, or ask them for their QR code.",
  UPLOAD_TOO_LARGE: "That picture is too large. Choose one under 5 MB and 25 megapixels.",
  UPLOAD_UNSUPPORTED: "That file type is not supported. Choose a JPEG, PNG or WebP picture.",
  UPLOAD_INVALID: "That file could not be read. It may be empty or damaged; try another one.",
  CONTACT_QR_INVALID: "This is not a valid EasyQR contact code. Ask them to show their QR again.",
  CONTACT_QR_EXPIRED: "This contact code has expired (each works a few minutes). Ask them to open My QR again and scan the new one.",
  CONTACT_QR_ROTATED: "This QR code was replaced by a newer one. Scan the code their screen shows now.",
  CONTACT_QR_USED_UP: "This QR code has been used too many times. Scan the code their screen shows now.",
  CONTACT_SELF: "That is you. Scan someone else's QR code to add them.",
  CONTACT_ALREADY_CONNECTED: "You are already connected with this person.",
  CONTACT_REQUEST_PENDING: "You already sent them a request. Wait for them to answer.",
  CONTACT_REQUEST_NOT_FOUND: "That request is no longer waiting: it was answered, cancelled or expired.",
  CONTACT_BLOCKED: "You blocked this person. Unblock them in Settings first.",
  CHAT_NOT_FOUND: "That chat is not available.",
  CHAT_NOT_CONNECTED: "You can only message your connections.",
  CHAT_PIN_LIMIT: "You can only pin up to 3 chats. Unpin one to pin this one.",
  MESSAGE_NOT_FOUND: "That message is not available any more.",
  MESSAGE_NOT_YOURS: "You can only change your own messages.",
  MESSAGE_EDIT_EXPIRED: "It is too late to change this message.",
  MESSAGE_DELETED: "That message was deleted.",
  ATTACHMENT_NOT_FOUND: "That file is not available any more. Attach it again.",
  AUTH_PROOF_INVALID: "This device could not prove it is the one that was linked. Link it again with your phone.",
  LINK_NOT_FOUND: "That code is not valid any more. Scan the code the computer shows now.",
  LINK_ALREADY_USED: "That code was already used. If it was not you, ask for a new code on the computer.",
  LINK_GONE: "The computer closed the page before it was linked. Ask for a new code on the computer.",
  LINK_TICKET_INVALID: "Linking took too long. Ask for a new code and scan it again.",
  LINK_SIGNATURE_INVALID: "This browser could not prove it asked to be linked. Ask for a new code and scan it again.",
  DEVICE_LIMIT: "You already have 5 linked devices. Log one out to link this one.",
  DEVICE_NOT_FOUND: "That device is not signed in any more.",
  DEVICE_OFFLINE: "That computer is not online. Open EasyQR on it; your scans wait here until then.",
  SCAN_TARGET_INVALID: "Scans can go only to a computer linked to your account.",
  GROUP_NOT_MEMBER: "You are no longer a member of this group.",
  NOT_GROUP_ADMIN: "Only the group's admins can do that.",
  GROUP_FULL: "This group is full.",
  GROUP_LIMIT: "You have created as many groups as you can today. Try again tomorrow.",
  GROUP_NOT_CONNECTED: "You can add only your contacts to a group.",
  GROUP_MEMBER_NOT_FOUND: "That person is not in this group any more.",
  GROUP_LAST_ADMIN: "A group needs an admin. Make someone else an admin first.",
  GROUP_JOIN_REQUEST_NOT_FOUND: "That request to join was already answered.",
  INVITE_INVALID: "This is not a valid group invite. Ask for the group's QR code again.",
  INVITE_EXPIRED: "This group invite has expired. Ask an admin for a new one.",
  INVITE_REVOKED: "This group invite was reset. Ask an admin for the new one.",
};

const clientWords: Record<ClientErrorCode, string> = {
  NETWORK: "Cannot reach the EasyQR server. Check that it is running and that you are on the same network.",
  BAD_RESPONSE: "The server sent something this page does not understand. Reload the page.",
};

export function errorText(code: ErrorCode | ClientErrorCode): string {
  return code === "NETWORK" || code === "BAD_RESPONSE" ? clientWords[code] : words[code];
}

/** "in 45 seconds", "in 12 minutes": how long until a limit lifts. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** The words for any failure, using what the error carries (tries left, the limit, when to retry). */
export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong on this page. Please try again.";
  const triesLeft = error.details("AUTH_CODE_INVALID")?.attemptsLeft;
  if (triesLeft !== undefined) return `That code is not right. ${triesLeft} ${triesLeft === 1 ? "try" : "tries"} left.`;
  const limit = error.details("UPLOAD_TOO_LARGE");
  if (limit && "maxPixels" in limit) return `That picture has too many pixels. Choose one of at most ${Math.round(limit.maxPixels / 1_000_000)} megapixels.`;
  if (limit && "maxBytes" in limit) return `That file is too large. Files can be at most ${Math.round(limit.maxBytes / 1024 / 1024)} MB.`;
  const retryAfterMs = error.details("RATE_LIMITED")?.retryAfterMs;
  if (retryAfterMs !== undefined) return `Too many attempts. Try again ${waitText(retryAfterMs)}.`;
  return errorText(error.code);
}
