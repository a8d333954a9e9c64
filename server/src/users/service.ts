import type { IdentifierInput, Me, PublicUser, RequestCodeResponse, UpdateProfileRequest, UsernameAvailability } from "@easyqr/protocol";
import { Username } from "@easyqr/protocol";
import type { Logger } from "pino";
import { profileSeenBy } from "../access/profiles.ts";
import { normalizeIdentifier, type Identifier } from "../auth/identifiers.ts";
import type { OtpService } from "../auth/otp.ts";
import type { SessionService } from "../auth/sessions.ts";
import type { Clock } from "../clock.ts";
import { uniqueViolation } from "../db/errors.ts";
import type { Db, UsersTable } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import { userById, userByIdentifier, userByUsername } from "./queries.ts";
import { newUserRow } from "./rows.ts";
import { meView } from "./view.ts";

/** Deletes a user's stored files (the avatar); set by the uploads part. */
export type UserFilesCleaner = (avatarId: string) => Promise<void>;
/** Runs before an account's row goes (contacts end its connections and tell the other sides). */
export type AccountDeletionHook = (userId: string) => Promise<void>;
/**
 * Runs after a user's profile changed, before the answer leaves: `card` when what others see of
 * them may have changed (name, username, bio, who sees the bio, avatar), `lastSeen` when they
 * started or stopped hiding last seen. Contacts and presence tell the users it concerns.
 */
export type ProfileChangeHook = (userId: string, changed: { card: boolean; lastSeen: boolean }) => Promise<void>;

/** The only code that changes users: made at first sign-in; profile, email/phone, avatar, last seen, deletion. */
export class UsersService {
  private cleaner: UserFilesCleaner = () => Promise.resolve();
  private beforeDelete: AccountDeletionHook = () => Promise.resolve();
  private afterChange: ProfileChangeHook = () => Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly otp: OtpService,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
    private readonly defaultRegion: string | undefined,
    private readonly log: Logger,
  ) {}

  onDeleteFiles(cleaner: UserFilesCleaner): void {
    this.cleaner = cleaner;
  }

  onBeforeDelete(hook: AccountDeletionHook): void {
    this.beforeDelete = hook;
  }

  onProfileChange(hook: ProfileChangeHook): void {
    this.afterChange = hook;
  }

  /**
   * Sign-in (inside the transaction that spends the code): the user with this email/phone, made
   * when there is none. Two first sign-ins racing for one identifier both end with the same user:
   * the loser's insert does nothing (it waits for the winner's commit) and it reads the winner's
   * row. Safe inside a transaction on PostgreSQL, where a failed insert would abort it.
   */
  async findOrCreate(trx: Db, identifier: Identifier): Promise<{ me: Me; created: boolean }> {
    const existing = await userByIdentifier(trx, identifier);
    if (existing) return { me: meView(existing), created: false };
    const user = newUserRow(identifier.kind === "email" ? { email: identifier.value } : { phone: identifier.value }, this.clock.now());
    const inserted = await trx
      .insertInto("users")
      .values(user)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 1n) return { me: meView(user), created: true };
    const winner = await userByIdentifier(trx, identifier);
    if (!winner) throw new Error(`user ${identifier.kind} conflicted but is not there`);
    return { me: meView(winner), created: false };
  }

  async me(userId: string): Promise<Me> {
    return meView(await this.load(userId));
  }

  /** A user's profile as `viewerId` may see it (the bio: see access/profiles.ts). */
  async byUsername(viewerId: string, username: string): Promise<PublicUser> {
    const user = await userByUsername(this.db, username);
    if (!user) throw new AppError("USERNAME_NOT_FOUND", "Nobody has this username.");
    return profileSeenBy(this.db, viewerId, user);
  }

  async usernameAvailability(raw: string, userId: string | undefined): Promise<UsernameAvailability> {
    const parsed = Username.safeParse(raw);
    if (!parsed.success) return { username: raw, available: false, reason: "invalid" };
    const owner = await userByUsername(this.db, parsed.data);
    if (owner && owner.id !== userId) return { username: parsed.data, available: false, reason: "taken" };
    return { username: parsed.data, available: true };
  }

  /** Changes the given fields. A username another user holds (in any case) is a 409, also when two claim it at once. */
  async updateProfile(userId: string, changes: UpdateProfileRequest): Promise<Me> {
    const before = await this.load(userId);
    const set: Partial<UsersTable> = { updatedAt: this.clock.now() };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.bio !== undefined) set.bio = changes.bio === "" ? null : changes.bio;
    if (changes.bioVisibility !== undefined) set.bioVisibility = changes.bioVisibility;
    if (changes.hideLastSeen !== undefined) set.lastSeenHiddenAt = changes.hideLastSeen ? this.clock.now() : null;
    if (changes.username !== undefined) {
      set.username = changes.username;
      set.usernameKey = changes.username.toLowerCase();
    }
    try {
      const updated = await this.db.updateTable("users").set(set).where("id", "=", userId).executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) throw new AppError("USER_NOT_FOUND", "This account no longer exists.");
    } catch (error) {
      throw this.conflict(error) ?? error;
    }
    const after = await this.load(userId);
    await this.changed(before, after);
    return meView(after);
  }

  /** Sends a code to a new email or phone; it becomes the user's once confirmed. */
  async requestIdentifierChange(userId: string, input: IdentifierInput, ip: string): Promise<RequestCodeResponse> {
    await this.load(userId);
    return this.otp.request(normalizeIdentifier(input, this.defaultRegion), { purpose: "change_identifier", userId }, ip);
  }

  /** The code is spent with the change: when the address is taken meanwhile, the code still works once it is free. */
  async confirmIdentifierChange(userId: string, requestId: string, code: string, ip: string): Promise<Me> {
    let kind: Identifier["kind"];
    try {
      kind = await this.otp.verify(requestId, code, { purpose: "change_identifier", userId }, ip, async (trx, identifier) => {
        const now = this.clock.now();
        await trx
          .updateTable("users")
          .set(identifier.kind === "email" ? { email: identifier.value, updatedAt: now } : { phone: identifier.value, updatedAt: now })
          .where("id", "=", userId)
          .execute();
        return identifier.kind;
      });
    } catch (error) {
      throw this.conflict(error) ?? error;
    }
    this.log.info({ userId, kind }, "identifier changed");
    return this.me(userId);
  }

  /** Sets (or with null clears) the avatar; returns the previous avatar id so its files can go. */
  async setAvatar(userId: string, avatarId: string | null): Promise<{ me: Me; previous: string | null }> {
    const user = await this.load(userId);
    await this.db.updateTable("users").set({ avatarId, updatedAt: this.clock.now() }).where("id", "=", userId).execute();
    const after = { ...user, avatarId };
    await this.changed(user, after);
    return { me: meView(after), previous: user.avatarId };
  }

  /** A user's last socket went away (presence): last seen moves to `at`, never back. */
  async recordLastSeen(userId: string, at: number): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ lastSeenAt: at })
      .where("id", "=", userId)
      .where((eb) => eb.or([eb("lastSeenAt", "is", null), eb("lastSeenAt", "<", at)]))
      .execute();
  }

  /** Deletes the account: its sessions (sockets closed), codes and files go with it. */
  async deleteAccount(userId: string): Promise<void> {
    const user = await this.load(userId);
    await this.sessions.revokeAllOf(userId, "account_deleted");
    await this.beforeDelete(userId);
    // Sessions, refresh tokens, code requests and contacts go by ON DELETE CASCADE.
    await this.db.deleteFrom("users").where("id", "=", userId).execute();
    if (user.avatarId) await this.cleaner(user.avatarId).catch((error: unknown) => this.log.error({ err: error, userId }, "avatar cleanup failed"));
    this.log.info({ userId }, "account deleted");
  }

  private async load(userId: string): Promise<UsersTable> {
    const user = await userById(this.db, userId);
    if (!user) throw new AppError("USER_NOT_FOUND", "This account no longer exists.");
    return user;
  }

  /** Tells the hook what of a profile changed; nothing when nothing others see did. */
  private async changed(before: UsersTable, after: UsersTable): Promise<void> {
    const card = (["name", "username", "bio", "bioVisibility", "avatarId"] as const).some((field) => before[field] !== after[field]);
    const lastSeen = (before.lastSeenHiddenAt === null) !== (after.lastSeenHiddenAt === null);
    if (card || lastSeen) await this.afterChange(after.id, { card, lastSeen });
  }

  private conflict(error: unknown): AppError | undefined {
    const column = uniqueViolation(error);
    if (column === "users.username_key") return new AppError("USERNAME_TAKEN", "This username is taken.");
    if (column === "users.email") return new AppError("EMAIL_TAKEN", "Another account uses this email address.");
    if (column === "users.phone") return new AppError("PHONE_TAKEN", "Another account uses this phone number.");
    return undefined;
  }
}
