import { socketUrl, uuidv7 } from "@easyqr/protocol";
import type { ErrorBody, PairingQr, PhoneInfo, Scan, ServerEvent } from "@easyqr/protocol";
import { Connection, type ConnectionOptions, type ConnectionState } from "../../realtime/connection.ts";
import { ApiError } from "../../api/http.ts";
import type { HttpClient } from "../../api/pairing.ts";
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
  http: HttpClient;
  server: string;
  session: Storage;
  local: Storage;
  connect?: (options: ConnectionOptions) => Connection;
};

/**
 * The desktop side of a pairing: creates the session, holds its socket,
 * follows its events and keeps the scan history. React renders its snapshot.
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

  async create(allowMultiplePhones = false): Promise<void> {
    this.close();
    this.patch({ view: { kind: "creating" }, scans: [], sessionId: undefined });
    try {
      const session = await this.deps.http.createSession({ allowMultiplePhones });
      const credential = { sessionId: session.sessionId, desktopToken: session.desktopToken };
      this.credentials.save(credential);
      pruneHistories(this.deps.local, 5);
      this.open(credential);
      this.patch({ view: { kind: "waiting", qr: session.qr, expiresAt: session.expiresAt } });
    } catch (error) {
      this.patch({ view: { kind: "idle", error: error instanceof ApiError ? errorText(error.code) : String(error) } });
    }
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
  }

  private open(credential: DesktopCredential): void {
    this.history = new ScanHistory(this.deps.local, credential.sessionId);
    this.patch({ sessionId: credential.sessionId, scans: this.history.scans });
    const connection = (this.deps.connect ?? ((o) => new Connection(o)))({ url: socketUrl(this.deps.server), handshake: credential });
    this.connection = connection;
    connection.on("state", (socket) => {
      if (socket === "connecting") this.askedSince = false;
      this.patch({ socket });
    });
    connection.on("event", (event) => this.handle(event));
    connection.on("fatal", (error) => this.fatal(error));
    connection.start();
  }

  private handle(event: ServerEvent): void {
    const view = this.snapshot.view;
    switch (event.type) {
      case "WAITING":
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
