import { uuidv7, type BarcodeFormat, type RequestFrame } from "@easyqr/protocol";
import { Store } from "../../api/store.ts";
import type { Ack } from "../../realtime/acks.ts";
import type { RecentScan } from "../pairing/phoneLink.ts";
import { Outbox } from "../scanner/outbox.ts";
import { ScanSender, type ScanOutcome } from "../scanner/scanSender.ts";

/** A DEVICE_OFFLINE answer (the desktop away, or not confirming) is tried again this often. */
export const RESEND_EVERY_MS = 3_000;

export type DesktopScannerSnapshot = { pending: number; recent: readonly RecentScan[]; offline: boolean };

/** The signed-in socket as the scanner needs it (the LiveClient). */
export type LiveRequests = {
  readonly ready: boolean;
  request(frame: Extract<RequestFrame, { type: "SCAN_TO_DEVICE" }>): Promise<Ack<"SCAN_TO_DEVICE">>;
};

type Options = { live: LiveRequests; deviceId: string; storage: Storage; now?: () => number };

/**
 * "Scan to desktop", the phone's half: the scanner's outbox and sender (one outbox per target
 * device, in localStorage), over the signed-in socket. A scan leaves the outbox only when the
 * server says the desktop has it; while the desktop is away (DEVICE_OFFLINE) or the phone is
 * offline it waits and goes again, with the same id, so the desktop keeps it once.
 */
export class DesktopScanner extends Store<DesktopScannerSnapshot> {
  private readonly sender: ScanSender;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: Options) {
    super({ pending: 0, recent: [], offline: false });
    const { live, deviceId } = options;
    this.sender = new ScanSender(
      new Outbox(options.storage, `device.${deviceId}`),
      {
        ready: () => live.ready,
        request: async (frame) => {
          const ack = await live.request({ type: "SCAN_TO_DEVICE", deviceId, scan: frame.scan });
          this.patch({ offline: ack.error?.code === "DEVICE_OFFLINE" });
          return ack;
        },
      },
      (outcome) => this.settled(outcome),
    );
    this.patch({ pending: this.sender.pending });
  }

  /** Sends what waits now and again every RESEND_EVERY_MS until stopped. */
  start(): void {
    this.sender.flush();
    this.timer ??= setInterval(() => this.sender.flush(), RESEND_EVERY_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Sends what waits now (the socket is back). */
  flush(): void {
    this.sender.flush();
  }

  scan(text: string, format: BarcodeFormat): void {
    const scan = { id: uuidv7(), text, format, scannedAt: (this.options.now ?? Date.now)() };
    this.patch({ recent: [{ ...scan, status: "pending" as const }, ...this.snapshot.recent].slice(0, 20) });
    this.sender.enqueue(scan);
    this.patch({ pending: this.sender.pending });
  }

  private settled(outcome: ScanOutcome): void {
    this.patch({
      pending: this.sender.pending,
      offline: outcome.result === "sent" ? false : this.snapshot.offline,
      recent: this.snapshot.recent.map((r) => (r.id === outcome.scan.id ? { ...r, status: outcome.result } : r)),
    });
  }
}
