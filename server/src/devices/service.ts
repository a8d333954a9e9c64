import type { AuthTokens, Device, DeviceInfo } from "@easyqr/protocol";
import type { SessionService } from "../auth/sessions.ts";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/schema.ts";
import { AppError } from "../errors.ts";

type DeviceRow = {
  id: string;
  deviceName: string | null;
  devicePlatform: string | null;
  kind: "primary" | "linked";
  createdAt: number;
  lastUsedAt: number;
  ip: string | null;
};

const deviceColumns = ["id", "deviceName", "devicePlatform", "kind", "createdAt", "lastUsedAt", "ip"] as const;

/** What a new linked device is: its name and platform, key, and where it came from. */
export type NewLinkedDevice = { device: DeviceInfo; publicKey: string; ip: string; userAgent: string };

/**
 * An account's devices are its live sign-in sessions. This lists them, logs them out (through
 * SessionService, which closes their sockets), and makes linked ones within the limit.
 */
export class DeviceService {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly limits: { maxLinkedDevices: number; deviceIdleMs: number },
    /** Which of these sessions have a socket open (on any node in cluster mode). */
    private readonly online: (sessionIds: readonly string[]) => Promise<Set<string>> = () => Promise.resolve(new Set()),
  ) {}

  /** Every live device of the account, the asking one first, then the most recently active. */
  async list(userId: string, currentSessionId: string): Promise<Device[]> {
    const rows = await this.live(this.db, userId).select(deviceColumns).orderBy("lastUsedAt", "desc").execute();
    const online = await this.online(rows.map((row) => row.id));
    const devices = rows.map((row) => deviceOf(row, currentSessionId, online.has(row.id)));
    return [...devices.filter((d) => d.current), ...devices.filter((d) => !d.current)];
  }

  /** The account's live linked devices (what DEVICE_LIMIT names). */
  async linked(userId: string, db: Db = this.db): Promise<Device[]> {
    const rows = await this.live(db, userId).where("kind", "=", "linked").select(deviceColumns).orderBy("lastUsedAt", "desc").execute();
    const online = await this.online(rows.map((row) => row.id));
    return rows.map((row) => deviceOf(row, "", online.has(row.id)));
  }

  /** Throws DEVICE_LIMIT, naming the linked devices, when the account cannot link one more. */
  async assertRoom(userId: string, db: Db = this.db): Promise<void> {
    const linked = await this.linked(userId, db);
    if (linked.length < this.limits.maxLinkedDevices) return;
    const names = linked.map((d) => d.name).join(", ");
    throw new AppError("DEVICE_LIMIT", `At most ${this.limits.maxLinkedDevices} devices can be linked; log one out first: ${names}.`, {
      devices: linked,
      limit: this.limits.maxLinkedDevices,
    });
  }

  /**
   * A new linked device's session, bound to its key: all or nothing. The account's row is locked
   * first, so two desktops redeeming at once cannot both take the last place.
   */
  async createLinked(userId: string, linked: NewLinkedDevice): Promise<{ tokens: AuthTokens; device: Device }> {
    return this.db.transaction().execute(async (trx) => {
      const locked = await trx
        .updateTable("users")
        .set((eb) => ({ updatedAt: eb.ref("updatedAt") }))
        .where("id", "=", userId)
        .executeTakeFirst();
      if (locked.numUpdatedRows !== 1n) throw new AppError("LINK_TICKET_INVALID", "This link is not valid any more.");
      await this.assertRoom(userId, trx);
      const tokens = await this.sessions.create(userId, linked.device, trx, {
        kind: "linked",
        publicKey: linked.publicKey,
        ip: linked.ip,
        userAgent: linked.userAgent,
      });
      const row = await trx.selectFrom("authSessions").select(deviceColumns).where("id", "=", tokens.sessionId).executeTakeFirstOrThrow();
      return { tokens, device: deviceOf(row, "", false) };
    });
  }

  /** Logs out one of the account's own devices (sockets close, refresh fails). */
  async revoke(userId: string, deviceId: string): Promise<void> {
    const found = await this.live(this.db, userId).where("id", "=", deviceId).select("id").executeTakeFirst();
    if (!found) throw new AppError("DEVICE_NOT_FOUND", "No device of yours is signed in with that id.");
    await this.sessions.revoke([deviceId], "device_revoked");
  }

  /** Logs out every device of the account but this one; returns how many. */
  async logOutOthers(userId: string, currentSessionId: string): Promise<number> {
    const others = await this.live(this.db, userId).where("id", "!=", currentSessionId).select("id").execute();
    await this.sessions.revoke(
      others.map((s) => s.id),
      "logged_out_by_other",
    );
    return others.length;
  }

  private live(db: Db, userId: string) {
    const now = this.clock.now();
    return db
      .selectFrom("authSessions")
      .where("userId", "=", userId)
      .where("revokedAt", "is", null)
      .where("expiresAt", ">", now)
      .where("lastUsedAt", ">", now - this.limits.deviceIdleMs);
  }
}

function deviceOf(row: DeviceRow, currentSessionId: string, online: boolean): Device {
  return {
    id: row.id,
    name: row.deviceName ?? (row.kind === "linked" ? "Linked device" : "Unknown device"),
    platform: row.devicePlatform ?? "",
    kind: row.kind,
    createdAt: row.createdAt,
    lastActiveAt: row.lastUsedAt,
    ip: row.ip,
    current: row.id === currentSessionId,
    online,
  };
}
