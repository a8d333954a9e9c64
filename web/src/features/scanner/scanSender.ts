import type { ClientFrame, ErrorCode, ScanInput } from "@easyqr/protocol";
import type { Ack } from "../../realtime/acks.ts";
import type { Outbox } from "./outbox.ts";

/** The connection as the sender needs it ("Scan to desktop" sends the scan as SCAN_TO_DEVICE, answered without a seq). */
export type ScanTransport = {
  ready(): boolean;
  request(frame: Extract<ClientFrame, { type: "SCAN" }>): Promise<Ack<"SCAN"> | Ack<"SCAN_TO_DEVICE">>;
};

export type ScanOutcome = { scan: ScanInput; result: "sent"; seq?: number } | { scan: ScanInput; result: "rejected"; code: ErrorCode };

/** Errors after which resending the same scan can never succeed (DEVICE_OFFLINE is not one: it waits). */
const permanent = new Set<ErrorCode>(["BAD_REQUEST", "VALIDATION", "FRAME_INVALID", "FRAME_TOO_LARGE", "DEVICE_NOT_FOUND", "SCAN_TARGET_INVALID"]);

/**
 * Sends the outbox in order and removes a scan only on its ACK. Anything that
 * fails (timeout, drop, a passing error) stays and goes again on the next
 * flush; the server stores a resent id once.
 */
export class ScanSender {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly outbox: Outbox,
    private readonly transport: ScanTransport,
    private readonly onSettled: (outcome: ScanOutcome) => void,
  ) {}

  /** Queues a new scan and sends it if the connection is ready. False for a repeated id. */
  enqueue(scan: ScanInput): boolean {
    if (!this.outbox.add(scan)) return false;
    this.flush();
    return true;
  }

  /** Sends every waiting scan that is not already on its way (call on each reconnect). */
  flush(): void {
    if (!this.transport.ready()) return;
    for (const scan of this.outbox.list()) if (!this.inFlight.has(scan.id)) this.sendOne(scan);
  }

  get pending(): number {
    return this.outbox.size;
  }

  private sendOne(scan: ScanInput): void {
    this.inFlight.add(scan.id);
    this.transport.request({ type: "SCAN", scan }).then(
      (ack) => {
        this.inFlight.delete(scan.id);
        if (!ack.error) {
          this.outbox.remove(scan.id);
          this.onSettled({ scan, result: "sent", seq: ack.seq });
        } else if (permanent.has(ack.error.code)) {
          this.outbox.remove(scan.id);
          this.onSettled({ scan, result: "rejected", code: ack.error.code });
        }
      },
      () => this.inFlight.delete(scan.id),
    );
  }
}
