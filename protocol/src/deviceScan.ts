import * as z from "zod/mini";
import { ClientId, ScanInput } from "./scan.ts";

/**
 * "Scan to desktop" (docs/linking-web.md): a signed-in phone sends scans to one of its person's own
 * linked desktops over the chat socket, without pairing. The server stores nothing: it relays a
 * scan to the desktop's sockets and answers the phone only once the desktop confirmed it
 * (DEVICE_SCAN_RECEIVED), or with DEVICE_OFFLINE. The phone keeps the scan until then; the desktop
 * keeps each scan id once, so a resend after a lost answer is not doubled.
 */

/** How long the server waits for the desktop's confirmation before answering DEVICE_OFFLINE. */
export const DEVICE_SCAN_CONFIRM_MS = 5_000;
/** Scans of one phone session that may wait for confirmation at once. */
export const MAX_PENDING_DEVICE_SCANS = 64;

/** Phone → server: this scan for that device (a session id of GET /api/devices). Answered under the scan's id. */
export const ScanToDeviceFrame = z.strictObject({ type: z.literal("SCAN_TO_DEVICE"), deviceId: z.uuid(), scan: ScanInput });

/** Desktop → server: the scan with this id is kept here (answered by ACK when it has an `id`). */
export const DeviceScanReceivedFrame = z.strictObject({ type: z.literal("DEVICE_SCAN_RECEIVED"), id: z.optional(ClientId), scanId: ClientId });

/** A scan as a linked desktop receives it. */
export const DeviceScan = z.extend(ScanInput, {
  /** The sending device's session id and name. */
  fromDeviceId: z.string(),
  fromDeviceName: z.string(),
  receivedAt: z.int(),
});
export type DeviceScan = z.infer<typeof DeviceScan>;

/** Server → the target desktop's sockets: keep it, then confirm with DEVICE_SCAN_RECEIVED. */
export const DeviceScanEvent = z.object({ type: z.literal("DEVICE_SCAN"), scan: DeviceScan });
