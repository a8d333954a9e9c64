import { socketUrl, uuidv7 } from "@easyqr/protocol";
import type { ErrorBody, Handshake, PairingQr, PhoneInfo, Scan, ServerEvent } from "@easyqr/protocol";
import { Connection, type ConnectionOptions, type ConnectionState } from "../../realtime/connection.ts";
import { Store } from "../../api/store.ts";
import { pruneHistories, ScanHistory } from "../scanner/history.ts";
import { desktopCredentials, type DesktopCredential } from "./credentials.ts";
import { errorText } from "../../api/errorText.ts";

export type DesktopView =
  | { kind: "idle"; error?: string }
  | { kind: "creating" }
  | { kind: "resuming" }
  | { kind: "waiting"; qr: PairingQr; expiresAt: number }
  | { kind: "connected"; phones: PhoneInfo[]; allowMultiplePhones: boolean; joinQr?: PairingQr }
  | { kind: "expired" }
  | { kind: "closed"; error?: string };

export type DesktopSnapshot = {
  view: DesktopView;
  sessionId?: string;
  socket: ConnectionState;
  scans: readonly Scan[];
};

export type DesktopDeps = {
  server: string;
  session: Storage;
  local: Storage;
  connect?: (options: ConnectionOptions) => Connection;
};

/**
 * The desktop side of a pairing: creates the session on its socket (`{create}`; the first WAITING
 * brings the `desktopToken` a reconnect uses), holds that socket, follows its events and keeps the
 * scan history. React renders its snapshot.
 */
export class DesktopLink extends Store<DesktopSnapshot> {
  private connection: Connection | null = null;
  private history: ScanHistory | null = null;
  /** SCANS_SINCE goes once per socket, on its first CONNECTED (later ones are phone or code changes). */
  private askedSince = false;
  private readonly credentials;

  constructor(private readonly deps: DesktopDeps) {
    super({ view: { kind: "idle" }, socket: "idle", scans: [] });
    this.credentials = desktopCredentials(deps.session);
  }

  /** Whether this tab has a pairing session to resume. */
  hasSaved(): boolean {
    return this.credentials.load() !== undefined;
  }

  /** Takes back the session this tab had before a reload, if any. */
  resume(): void {
    if (this.connection) return;
    const saved = this.credentials.load();
    if (!saved) return;
    this.patch({ view: { kind: "resuming" } });
    this.open(saved);
  }

  create(allowMultiplePhones = false): void {
    this.close();
    this.patch({ view: { kind: "creating" }, scans: [], sessionId: undefined });
    pruneHistories(this.deps.local, 5);
    this.open({ create: { allowMultiplePhones } });
  }

  async setMultiPhone(allow: boolean): Promise<string | undefined> {
    const ack = await this.connection?.request({ type: "SET_MULTI_PHONE", id: uuidv7(), allow });
    if (!ack) return "Not connected.";
    if (ack.error) return errorText(ack.error.code);
    const view = this.snapshot.view;
    if (view.kind === "connected") this.patch({ view: { ...view, allowMultiplePhones: allow, joinQr: allow ? view.joinQr : undefined } });
    return undefined;
  }

  /** Ends the session for both sides. */
  async disconnect(): Promise<void> {
    const connection = this.connection;
    if (connection?.state === "ready") await connection.request({ type: "CLOSE_SESSION", id: uuidv7() }, 3000).catch(() => undefined);
    this.end({ kind: "closed" });
  }

  /** Reconnect now instead of after the backoff (network back, tab visible again). */
  readonly retryNow = (): void => {
    this.connection?.retryNow();
  };

  /** Stops the socket (page left) but keeps the session to resume. */
  suspend(): void {
    this.close();
    // A create not yet answered has no credential to resume with: the page starts over.
    if (this.snapshot.view.kind === "creating") this.patch({ view: { kind: "idle" } });
  }

  private open(handshake: Handshake): void {
    if ("desktopToken" in handshake) this.follow(handshake.sessionId);
    const connection = (this.deps.connect ?? ((o) => new Connection(o)))({ url: socketUrl(this.deps.server), handshake });
    this.connection = connection;
    connection.on("state", (socket) => {
      if (socket === "connecting") this.askedSince = false;
      this.patch({ socket });
    });
    connection.on("event", (event) => this.handle(event));
    connection.on("fatal", (error) => this.fatal(error));
    connection.start();
  }

  /** The session made on this socket: keep its secret for a reload, reconnect with it after a drop. */
  private adopt(credential: DesktopCredential): void {
    this.credentials.save(credential);
    this.connection?.setHandshake(credential);
    this.follow(credential.sessionId);
  }

  private follow(sessionId: string): void {
    this.history = new ScanHistory(this.deps.local, sessionId);
    this.patch({ sessionId, scans: this.history.scans });
  }

  private handle(event: ServerEvent): void {
    const view = this.snapshot.view;
    switch (event.type) {
      case "WAITING":
        if (event.desktopToken) this.adopt({ sessionId: event.sessionId, desktopToken: event.desktopToken });
        if (view.kind === "connected") this.patch({ view: { ...view, joinQr: view.allowMultiplePhones ? event.qr : undefined } });
        else this.patch({ view: { kind: "waiting", qr: event.qr, expiresAt: event.expiresAt } });
        return;
      case "CONNECTED":
        this.patch({
          view: {
            kind: "connected",
            phones: event.phones,
            allowMultiplePhones: event.allowMultiplePhones,
            joinQr: event.allowMultiplePhones ? event.qr : undefined,
          },
        });
        if (!this.askedSince) this.connection?.send({ type: "SCANS_SINCE", seq: this.history?.lastSeq ?? 0 });
        this.askedSince = true;
        return;
      case "PEER_LEFT":
        if (view.kind === "connected") this.patch({ view: { ...view, phones: event.phones } });
        return;
      case "SCAN":
      case "SCANS":
        if (this.history?.add(event.type === "SCAN" ? [event.scan] : event.scans)) this.patch({ scans: this.history.scans });
        return;
      case "EXPIRED":
        return this.end({ kind: "expired" });
      case "CLOSED":
        return this.end({ kind: "closed" });
      case "ERROR":
        // A refused create (too many waiting sessions from this address) would be refused again: say so instead of retrying.
        if (view.kind === "creating") this.fatal(event.error);
        return;
      default:
        return;
    }
  }

  private fatal(error: ErrorBody): void {
    if (error.code === "PAIR_SESSION_EXPIRED") return this.end({ kind: "expired" });
    this.credentials.clear();
    this.close();
    this.patch({ view: { kind: "idle", error: errorText(error.code) }, scans: [], sessionId: undefined });
  }

  /** The session is over: forget its credential, keep its history on screen. */
  private end(view: DesktopView): void {
    this.credentials.clear();
    this.close();
    this.patch({ view });
  }

  private close(): void {
    this.connection?.stop();
    this.connection = null;
  }
}
