import type { ErrorCode } from "@easyqr/protocol";

/** What a person reads for each error code. Branch on the code, never on the server's message. */
const words: Record<ErrorCode, string> = {
  BAD_REQUEST: "The server did not understand that request. Please try again.",
  NOT_FOUND: "That was not found on the server.",
  RATE_LIMITED: "Too many attempts. Wait a minute, then try again.",
  INTERNAL: "Something went wrong on the server. Please try again.",
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
};

export function errorText(code: ErrorCode | "NETWORK" | "BAD_RESPONSE"): string {
  if (code === "NETWORK") return "Cannot reach the EasyQR server. Check that it is running and that you are on the same network.";
  if (code === "BAD_RESPONSE") return "The server sent something this page does not understand. Reload the page.";
  return words[code];
}
