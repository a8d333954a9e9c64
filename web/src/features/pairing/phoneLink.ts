import { socketUrl, uuidv7 } from "@easyqr/protocol";
import type { BarcodeFormat, DeviceInfo, ErrorBody, Handshake, PairingPayload, ServerEvent } from "@easyqr/protocol";
import { Connection, type ConnectionOptions, type ConnectionState } from "../../realtime/connection.ts";
import { Store } from "../../api/store.ts";
import { Outbox } from "../scanner/outbox.ts";
import { ScanSender, type ScanOutcome, type ScanTransport } from "../scanner/scanSender.ts";
import { phoneCredentials } from "./credentials.ts";
import { errorText } from "../../api/errorText.ts";

export type PhoneView =
  | { kind: "unpaired"; error?: string }
  | { kind: "connecting"; via: "qr" | "code" | "resume" }
  | { kind: "connected"; desktopOnline: boolean; deviceName?: string }
  | { kind: "ended"; message: string };

export type RecentScan = { id: string; text: string; format: BarcodeFormat; scannedAt: number; status: "pending" | "sent" | "rejected" };

export type PhoneSnapshot = {
  view: PhoneView;
  sessionId?: string;
  socket: ConnectionState;
  pending: number;
  recent: readonly RecentScan[];
};

export type PhoneDeps = {
  server: string;
  local: Storage;
  device: DeviceInfo;
  connect?: (options: ConnectionOptions) => Connection;
  now?: () => number;
};

/**
 * The phone side: pairs by QR token or typed code, resumes with its own
 * secret after a drop or reload, and sends scans through a persistent outbox.
 */
export class PhoneLink extends Store<PhoneSnapshot> {
  private connection: Connection | null = null;
  private sender: ScanSender | null = null;
  /** The socket authenticates with the stored secret (not a QR token or a code). */
  private usingSecret = false;
  /** The last QR token tried: a single-use token is never sent twice from here. */
  private triedToken: string | undefined;
  private readonly credentials;

  constructor(private readonly deps: PhoneDeps) {
    super({ view: { kind: "unpaired" }, socket: "idle", pending: 0, recent: [] });
    this.credentials = phoneCredentials(deps.local);
  }

  /** Reconnects with the stored secret; false when this phone is not paired. */
  resume(): boolean {
    if (this.connection) return true;
    const saved = this.credentials.load();
    if (!saved) return false;
    this.useSession(saved.sessionId);
    this.open(saved, "resume");
    return true;
  }

  pairWithQr(payload: PairingPayload): void {
    if (this.triedToken === payload.token) return;
    this.triedToken = payload.token;
    this.open({ sessionId: payload.sessionId, token: payload.token, device: this.deps.device }, "qr");
  }

  pairWithCode(code: string): void {
    this.open({ code, device: this.deps.device }, "code");
  }

  /** Unlinks this phone: drops its secret and anything still waiting to be sent. */
  forget(): void {
    this.close();
    this.dropSession();
    this.patch({ view: { kind: "unpaired" }, recent: [] });
  }

  suspend(): void {
    this.close();
  }

  /** Reconnect now instead of after the backoff (network back, tab visible again). */
  readonly retryNow = (): void => {
    this.connection?.retryNow();
  };

  /** Queues a scan for the desktop; false when this phone is not paired. */
  scan(text: string, format: BarcodeFormat): boolean {
    if (!this.sender) return false;
    const scan = { id: uuidv7(), text, format, scannedAt: (this.deps.now ?? Date.now)() };
    this.patch({ recent: [{ ...scan, status: "pending" as const }, ...this.snapshot.recent].slice(0, 20) });
    this.sender.enqueue(scan);
    this.patch({ pending: this.sender.pending });
    return true;
  }

  private open(handshake: Handshake, via: "qr" | "code" | "resume"): void {
    this.close();
    this.usingSecret = via === "resume";
    this.patch({ view: { kind: "connecting", via } });
    const connection = (this.deps.connect ?? ((o) => new Connection(o)))({ url: socketUrl(this.deps.server), handshake });
    this.connection = connection;
    connection.on("state", (socket) => this.patch({ socket }));
    connection.on("event", (event) => this.handle(event));
    connection.on("fatal", (error) => this.fatal(error));
    connection.start();
  }

  private handle(event: ServerEvent): void {
    switch (event.type) {
      case "CONNECTED": {
        if (event.phoneToken) {
          const credential = { sessionId: event.sessionId, phoneToken: event.phoneToken };
          this.credentials.save(credential);
          this.connection?.setHandshake(credential);
          this.usingSecret = true;
        }
        this.useSession(event.sessionId);
        const me = event.phones.find((p) => p.phoneId === event.phoneId);
        this.patch({ view: { kind: "connected", desktopOnline: event.desktopOnline, deviceName: me?.device?.name } });
        this.sender?.flush();
        return;
      }
      case "PEER_LEFT": {
        const view = this.snapshot.view;
        if (view.kind === "connected") this.patch({ view: { ...view, desktopOnline: event.desktopOnline } });
        return;
      }
      case "ERROR": {
        // A refused first attempt with a QR token or a code (e.g. RATE_LIMITED) is not retried blindly: say why.
        const view = this.snapshot.view;
        if (view.kind === "connecting" && view.via !== "resume" && !this.usingSecret) {
          this.close();
          this.patch({ view: { kind: "unpaired", error: errorText(event.error.code) } });
        }
        return;
      }
      case "CLOSED":
      case "EXPIRED":
        this.close();
        this.dropSession();
        this.patch({ view: { kind: "ended", message: errorText("PAIR_SESSION_CLOSED") } });
        return;
      default:
        return;
    }
  }

  private fatal(error: ErrorBody): void {
    this.close();
    if (this.usingSecret || error.code.startsWith("PAIR_SESSION_")) this.dropSession();
    this.patch({ view: { kind: "unpaired", error: errorText(error.code) } });
  }

  private useSession(sessionId: string): void {
    if (this.sender && this.snapshot.sessionId === sessionId) return;
    const transport: ScanTransport = {
      ready: () => this.connection?.state === "ready" && this.snapshot.view.kind === "connected",
      request: (frame) => (this.connection ? this.connection.request(frame) : Promise.reject(new Error("not connected"))),
    };
    this.sender = new ScanSender(new Outbox(this.deps.local, sessionId), transport, (outcome) => this.settled(outcome));
    this.patch({ sessionId, pending: this.sender.pending });
  }

  private settled(outcome: ScanOutcome): void {
    const status = outcome.result;
    this.patch({
      pending: this.sender?.pending ?? 0,
      recent: this.snapshot.recent.map((r) => (r.id === outcome.scan.id ? { ...r, status } : r)),
    });
  }

  /** The link is gone for good: its secret and its undeliverable outbox go too. */
  private dropSession(): void {
    this.credentials.clear();
    if (this.snapshot.sessionId) new Outbox(this.deps.local, this.snapshot.sessionId).clear();
    this.sender = null;
    this.usingSecret = false;
    this.patch({ sessionId: undefined, pending: 0 });
  }

  private close(): void {
    this.connection?.stop();
    this.connection = null;
  }
}
