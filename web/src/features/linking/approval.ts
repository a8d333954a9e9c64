import type { Device, LinkClaim } from "@easyqr/protocol";
import { errorMessage } from "../../api/errorText.ts";
import { ApiError } from "../../api/http.ts";

/** Where the phone's approval screen stands. */
export type ApprovalView =
  | { kind: "enter" }
  | { kind: "claiming" }
  | { kind: "mismatch" }
  | { kind: "confirm"; claim: LinkClaim }
  | { kind: "answering"; claim: LinkClaim; approving: boolean }
  | { kind: "approved"; claim: LinkClaim }
  | { kind: "denied" }
  | { kind: "limit"; devices: Device[]; claim?: LinkClaim }
  | { kind: "gone" }
  | { kind: "failed"; message: string; again: boolean };

/**
 * The phone compares the fingerprint the server reports for the claimed link with the one in the
 * QR it scanned: a different key means someone swapped the desktop (attack case 4), so it stops.
 * A typed code carries no fingerprint to compare.
 */
export function claimMatches(claim: LinkClaim, scannedFp: string | undefined): boolean {
  return scannedFp === undefined || claim.fingerprint === scannedFp;
}

/** What a failed claim or answer turns into on screen. */
export function failureView(error: unknown, claim?: LinkClaim): ApprovalView {
  if (!(error instanceof ApiError)) return { kind: "failed", message: errorMessage(error), again: true };
  switch (error.code) {
    case "DEVICE_LIMIT":
      return { kind: "limit", devices: error.details("DEVICE_LIMIT")?.devices ?? [], claim };
    case "LINK_GONE":
      return { kind: "gone" };
    case "LINK_NOT_FOUND":
      return { kind: "failed", message: "This code has expired or is not shown on any computer. Scan the code the computer shows now.", again: true };
    case "LINK_ALREADY_USED":
      return {
        kind: "failed",
        message: "This code was already used. If that was not you, nothing was linked to your account; ask the computer for a new code.",
        again: true,
      };
    default:
      return { kind: "failed", message: errorMessage(error), again: true };
  }
}

/** How long ago a device was last used, for the Linked devices list. */
export function lastActiveText(at: number, now: number): string {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return "active now";
  if (minutes < 60) return `active ${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `active ${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `active ${days} day${days === 1 ? "" : "s"} ago`;
}
