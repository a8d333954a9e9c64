import { linkSignedData, socketUrl } from "@easyqr/protocol";
import type { DeviceInfo, ErrorBody, LinkQr, LinkRedeemRequest, ServerEvent, VerifyCodeResponse } from "@easyqr/protocol";
import { errorMessage, errorText } from "../../api/errorText.ts";
import type { DeviceKey } from "../../api/deviceKey.ts";
import { Store } from "../../api/store.ts";
import { Connection, type ConnectionOptions, type ConnectionState } from "../../realtime/connection.ts";

export type LinkingView =
  | { kind: "starting" }
  | { kind: "showing"; qr: LinkQr; linkExpiresAt: number }
  | { kind: "scanned" }
  | { kind: "signingIn" }
  | { kind: "denied" }
  | { kind: "expired" }
  | { kind: "failed"; message: string };

export type LinkingSnapshot = { view: LinkingView; socket: ConnectionState };

export type RedeemBody = LinkRedeemRequest;

export type DesktopLinkingDeps = {
  server: string;
  device: DeviceInfo;
  /** This browser's device key K (created on first use). */
  key(): Promise<DeviceKey>;
  redeem(body: RedeemBody): Promise<VerifyCodeResponse>;
  /** The phone approved and the ticket was redeemed: this desktop is signed in with its own session. */
  signedIn(result: VerifyCodeResponse): void;
  connect?: (options: ConnectionOptions) => Connection;
};

/**
 * The signed-out desktop's side of linking (docs/linking.md): a socket that says hello with K's
 * public key and then shows each LINK_CODE the server rotates in; on LINK_APPROVED it redeems the
 * ticket with K's signature. It learns nothing of the account before that.
 */
export class DesktopLinking extends Store<LinkingSnapshot> {
  private connection: Connection | null = null;
  private linkId: string | undefined;
  /** Bumped by every start/stop: a key or a redeem that resolves after the page moved on is dropped. */
  private round = 0;

  constructor(private readonly deps: DesktopLinkingDeps) {
    super({ view: { kind: "starting" }, socket: "idle" });
  }

  /** A new link (first visit, "New code", or after a denial). */
  async start(): Promise<void> {
    this.close();
    const round = ++this.round;
    this.patch({ view: { kind: "starting" } });
    let key: DeviceKey;
    try {
      key = await this.deps.key();
    } catch (error) {
      console.error("easyqr: no device key", error);
      if (round === this.round)
        this.patch({ view: { kind: "failed", message: "This browser cannot keep a device key (private mode?), so it cannot be linked." } });
      return;
    }
    if (round !== this.round) return;
    const connect = this.deps.connect ?? ((options) => new Connection(options));
    const connection = connect({ url: socketUrl(this.deps.server), handshake: { link: { publicKey: key.publicKey, device: this.deps.device } } });
    this.connection = connection;
    connection.on("state", (socket) => this.patch({ socket }));
    connection.on("event", (event) => void this.handle(event, key, round));
    connection.on("fatal", (error) => this.fail(error));
    connection.start();
  }

  /** The page was left: no socket, no pending link (the server drops it with the socket). */
  stop(): void {
    this.round += 1;
    this.close();
  }

  /** Reconnect now instead of after the backoff (network back, tab visible again). */
  readonly retryNow = (): void => {
    this.connection?.retryNow();
  };

  private async handle(event: ServerEvent, key: DeviceKey, round: number): Promise<void> {
    switch (event.type) {
      case "LINK_CODE":
        // The server closes the link socket once the ticket is redeemed; a reconnect meanwhile is not a new link to show.
        if (this.snapshot.view.kind === "signingIn") return;
        this.linkId = event.linkId;
        this.patch({ view: { kind: "showing", qr: event.qr, linkExpiresAt: event.linkExpiresAt } });
        return;
      case "LINK_SCANNED":
        this.patch({ view: { kind: "scanned" } });
        return;
      case "LINK_DENIED":
        this.close();
        this.patch({ view: { kind: "denied" } });
        return;
      case "LINK_EXPIRED":
        this.close();
        this.patch({ view: { kind: "expired" } });
        return;
      case "LINK_APPROVED":
        return this.redeem(event.ticket, key, round);
      default:
        return;
    }
  }

  private async redeem(ticket: string, key: DeviceKey, round: number): Promise<void> {
    const linkId = this.linkId;
    if (!linkId) return;
    this.patch({ view: { kind: "signingIn" } });
    try {
      const signature = await key.sign(linkSignedData(linkId, ticket));
      const result = await this.deps.redeem({ linkId, ticket, signature });
      if (round !== this.round) return;
      this.close();
      this.deps.signedIn(result);
    } catch (error) {
      if (round !== this.round) return;
      this.close();
      this.patch({ view: { kind: "failed", message: errorMessage(error) } });
    }
  }

  private fail(error: ErrorBody): void {
    this.close();
    this.patch({ view: { kind: "failed", message: errorText(error.code) } });
  }

  private close(): void {
    this.connection?.stop();
    this.connection = null;
    this.linkId = undefined;
  }
}
