import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { routes } from "@easyqr/protocol";
import { pino, type Logger } from "pino";
import { attachmentFiles } from "./attachments/files.ts";
import { defaultAttachmentLimits, type AttachmentLimits } from "./attachments/limits.ts";
import { AttachmentService } from "./attachments/service.ts";
import { Spool } from "./attachments/spool.ts";
import { OtpHasher } from "./auth/codes.ts";
import { otpDelivery, type OtpDelivery } from "./auth/delivery/index.ts";
import { defaultAuthLimits, type AuthLimits } from "./auth/limits.ts";
import { OtpService } from "./auth/otp.ts";
import { AuthService } from "./auth/service.ts";
import { SessionService } from "./auth/sessions.ts";
import { accessTokens } from "./auth/tokens.ts";
import { avatarFiles } from "./avatars/files.ts";
import { AvatarService } from "./avatars/service.ts";
import { defaultChatLimits, type ChatLimits } from "./chat/limits.ts";
import { SendQueue } from "./chat/sendQueue.ts";
import { ChatService } from "./chat/service.ts";
import { SearchService } from "./search/service.ts";
import { openChatStore } from "./chat/store/index.ts";
import { clientAddress, proxyTrust } from "./clientIp.ts";
import { systemClock, type Clock } from "./clock.ts";
import { openRealtime, type Realtime } from "./cluster/index.ts";
import { localAddresses, type Config } from "./config.ts";
import { defaultContactLimits, type ContactLimits } from "./contacts/limits.ts";
import { ContactQrService } from "./contacts/qr.ts";
import { ContactsService } from "./contacts/service.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { attachmentHandlers } from "./http/attachmentHandlers.ts";
import { authHandlers } from "./http/authHandlers.ts";
import { groupHandlers } from "./http/groupHandlers.ts";
import { GroupsService } from "./groups/service.ts";
import { chatHandlers } from "./http/chatHandlers.ts";
import { contactHandlers } from "./http/contactHandlers.ts";
import { clientErrorAnswer, registerErrorHandling, sendError } from "./http/errors.ts";
import { registerJsonBodies } from "./http/jsonBodies.ts";
import { registerMetrics } from "./http/metricsRoute.ts";
import { registerOpenApi } from "./http/openapi.ts";
import { deviceHandlers, linkHandlers } from "./http/linkHandlers.ts";
import { pairingHandlers } from "./http/pairingHandlers.ts";
import { searchHandlers } from "./http/searchHandlers.ts";
import { Router } from "./http/route.ts";
import { securityHeaders } from "./http/securityHeaders.ts";
import { multipartScope } from "./http/upload.ts";
import { userHandlers } from "./http/userHandlers.ts";
import { registerWebClient } from "./http/webClient.ts";
import { every, jobFailed } from "./jobs.ts";
import { DeviceService } from "./devices/service.ts";
import { defaultLinkLimits, type LinkLimits } from "./linking/limits.ts";
import { LinkService, type LinkDesktops } from "./linking/service.ts";
import type { LinkStore } from "./linking/store.ts";
import { defaultPairingLimits, type PairingLimits } from "./pairing/limits.ts";
import { PairingService } from "./pairing/service.ts";
import { pairTokens } from "./pairing/tokens.ts";
import { defaultPresenceLimits, type PresenceLimits } from "./presence/limits.ts";
import { PresenceService } from "./presence/service.ts";
import { operations, PROBE_EVERY_MS, type Operations } from "./ops/index.ts";
import type { PresenceStore } from "./presence/store.ts";
import { RateLimiter } from "./rateLimiter.ts";
import { ChatSocket } from "./realtime/chatSocket.ts";
import { defaultHeartbeatMs, Gateway } from "./realtime/gateway.ts";
import { Hub } from "./realtime/hub.ts";
import { defaultScanRelayLimits, ScanRelay } from "./realtime/scanRelay.ts";
import { allowedOrigins } from "./realtime/origin.ts";
import type { LocalHandlers } from "./realtime/sockets.ts";
import { defaultRefusalLimits, type RefusalLimits } from "./realtime/refusals.ts";
import { sharedState, type SharedState } from "./sharedState.ts";
import { createStorage, type Storage } from "./storage/index.ts";
import { FILE_SWEEP_EVERY_MS, FileSweep } from "./storage/sweep.ts";
import type { TlsFiles } from "./tls.ts";
import { UsersService } from "./users/service.ts";

export type AppOptions = {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  pairingLimits?: Partial<PairingLimits>;
  linkLimits?: Partial<LinkLimits>;
  scanRelayLimits?: Partial<typeof defaultScanRelayLimits>;
  /** Replaces the in-process link store (tests share one between nodes, as Redis would be). */
  linkStore?: LinkStore;
  authLimits?: Partial<AuthLimits>;
  contactLimits?: Partial<ContactLimits>;
  presenceLimits?: Partial<PresenceLimits>;
  attachmentLimits?: Partial<AttachmentLimits>;
  /** Chat rate limits and batch sizes (the benchmark raises the per-socket message rate). */
  chatLimits?: Partial<ChatLimits>;
  /** Replaces the in-process presence store (tests share one between servers, as Redis would be). */
  presenceStore?: PresenceStore;
  /** Replaces the STORAGE_DRIVER's storage (tests). */
  storage?: Storage;
  /** Replaces the OTP_DRIVER's delivery (tests). */
  otpDelivery?: OtpDelivery;
  heartbeatMs?: number;
  handshakeTimeoutMs?: number;
  /** Refused socket frames (bad input) a socket may send in a burst and per second before it is read more slowly. */
  refusalLimits?: Partial<RefusalLimits>;
  /** Failed pairing attempts (bad token or code) one IP may make per minute. */
  handshakeFailuresPerMinute?: number;
  /** Ticks of the pairing sweeper; tests drive `tick()` (and the contacts sweep, presence ticks) by hand and pass 0, which stops every periodic job. */
  tickMs?: number;
  tls?: TlsFiles;
  webDist?: string;
};

export type App = {
  http: FastifyInstance;
  database: Database;
  pairing: PairingService;
  links: LinkService;
  devices: DeviceService;
  sessions: SessionService;
  auth: AuthService;
  users: UsersService;
  contactQr: ContactQrService;
  contacts: ContactsService;
  presence: PresenceService;
  attachments: AttachmentService;
  /** Removes stored files no row points to, reports rows whose file is missing. */
  fileSweep: FileSweep;
  chat: ChatService;
  gateway: Gateway;
  /** How events reach sockets: this node's, and in cluster mode (REDIS_URL) every node's; `status()` for /health. */
  realtime: Realtime;
  router: Router;
  /** /health and /metrics. */
  operations: Operations;
  /** Presence, pairing and link sessions, rate limits: in process, or in Redis for all nodes. */
  shared: SharedState;
  /** Listens, and returns the URL it listens on. */
  listen(): Promise<string>;
  /** The URL phones use (PUBLIC_URL, or derived from the address the server listens on). */
  publicUrl(): string;
  /** Origins whose pages may open the socket; known once it listens. */
  allowedOrigins(): ReadonlySet<string>;
  close(): Promise<void>;
};

const defaultWebDist = fileURLToPath(new URL("../../web/dist", import.meta.url));

/** Wires the parts together; `main.ts` adds the process around it. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: config.logLevel });
  const fastifyLogger: FastifyBaseLogger = log;
  let publicUrl = config.publicUrl ?? "";
  let origins: ReadonlySet<string> = new Set();
  const withSecurityHeaders = securityHeaders(() => origins);
  const trust = proxyTrust(config.trustProxy);
  const http = Fastify({
    loggerInstance: fastifyLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: trust,
    frameworkErrors: (error, request, reply) => {
      withSecurityHeaders(reply);
      void sendError(error, request, reply);
    },
    clientErrorHandler: clientErrorAnswer(log),
    ...(options.tls ? { https: options.tls } : {}),
  });
  registerErrorHandling(http);
  registerJsonBodies(http);
  const postgres = config.database.url !== undefined;
  const chatLimits = { ...defaultChatLimits, ...(postgres ? { batchConcurrency: 3 } : {}), ...config.chatLimits, ...options.chatLimits };
  // SQLite has one writer, and better-sqlite3 writes a whole batch in one turn: a second batch in flight would only wait for it.
  const sendBatches = postgres ? chatLimits.batchConcurrency : 1;
  const database = await openDatabase(config, { sendBatches });
  const shared = await sharedState(config, log);
  http.addHook("onSend", async (_request, reply) => withSecurityHeaders(reply));

  const hub = new Hub();
  // The gateway's and scan relay's parts, set once they exist (the services below need the sockets first).
  const handlers: LocalHandlers = { dropSessions: () => undefined, scanConfirmed: () => undefined };
  const realtime = await openRealtime(config, hub, handlers, log);
  const { sockets } = realtime;
  const ops = operations({
    nodeId: config.nodeId,
    redis: config.redis,
    database: () => database.ping(),
    bus: () => realtime.status(),
    sockets: () => hub.counts(),
    messagesDelivered: () => hub.messagesDelivered,
    log,
  });
  const pairing = new PairingService(
    shared.pairing,
    pairTokens(config.secret, clock),
    clock,
    sockets.toPairing,
    log,
    { ...defaultPairingLimits, ...options.pairingLimits },
    () => publicUrl,
    shared.limiter,
  );
  const authLimits = { ...defaultAuthLimits, ...options.authLimits };
  const delivery = options.otpDelivery ?? otpDelivery(config.otp, log);
  const rateLimiter = new RateLimiter(database.db, clock);
  const sessions = new SessionService(database.db, accessTokens(config.secret, clock), clock, authLimits, log);
  const otp = new OtpService(database.db, new OtpHasher(config.secret), delivery, rateLimiter, clock, authLimits, log);
  const users = new UsersService(database.db, otp, sessions, clock, config.defaultRegion, log);
  const auth = new AuthService(otp, sessions, users, config.defaultRegion);
  const storage = options.storage ?? (await createStorage(config.storage));
  const avatars = new AvatarService(storage, users, log);
  const fanout = sockets.toUser;
  const presenceLimits = { ...defaultPresenceLimits, ...options.presenceLimits };
  const presence = new PresenceService(options.presenceStore ?? shared.presence, database.db, users, clock, presenceLimits, fanout, log);
  const contactLimits = { ...defaultContactLimits, ...options.contactLimits };
  const contactQr = new ContactQrService(database.db, clock, contactLimits, rateLimiter, () => publicUrl);
  const contacts = new ContactsService(database.db, contactQr, clock, contactLimits, rateLimiter, presence, fanout, log);
  const attachmentLimits = { ...defaultAttachmentLimits, ...options.attachmentLimits };
  const spool = await Spool.open(join(config.dataDir, "spool"));
  const attachments = new AttachmentService(database.db, storage, spool, rateLimiter, clock, attachmentLimits, log);
  users.onProfileChange(async (userId, changed) => {
    if (changed.card) await contacts.announceProfile(userId);
    if (changed.lastSeen) await presence.lastSeenVisibilityChanged(userId);
  });
  users.onBeforeDelete(async (userId) => {
    await groups.leaveAll(userId);
    await contacts.forget(userId);
    await attachments.removeOfUser(userId);
  });
  // A deleted account's chats go by ON DELETE CASCADE (members, messages, reactions and attachment rows; the files go in the hook above).
  const fileSweep = new FileSweep(database.db, storage, [avatarFiles, attachmentFiles], clock, log);
  const chatStore = ops.metrics.timeWrites(openChatStore(database));
  const chat = new ChatService(chatStore, clock, chatLimits, fanout, log, attachments, sockets.inOrder);
  const groups = new GroupsService({
    db: database.db,
    store: chatStore,
    chat,
    avatars,
    fanout,
    rateLimiter,
    clock,
    secret: config.secret,
    publicUrl: () => publicUrl,
  });
  const sends = new SendQueue((items) => chat.sendBatch(items), chatLimits.batchSize, sendBatches, chatLimits.sendBacklog);

  const linkLimits = { ...defaultLinkLimits, ...config.linkLimits, ...options.linkLimits };
  const devices = new DeviceService(
    database.db,
    sessions,
    clock,
    { maxLinkedDevices: linkLimits.maxLinkedDevices, deviceIdleMs: authLimits.deviceIdleMs },
    sockets.online,
  );
  const scans = new ScanRelay(database.db, sockets, clock, {
    ...defaultScanRelayLimits,
    ...options.scanRelayLimits,
    deviceIdleMs: authLimits.deviceIdleMs,
  });
  const linkDesktops: LinkDesktops = {
    send: (linkId, event) => sockets.toLink(linkId, event, false),
    end: (linkId, event) => sockets.toLink(linkId, event, true),
    connected: async (linkId) => (await sockets.online([linkId])).has(linkId),
  };
  const links = new LinkService(
    options.linkStore ?? shared.links,
    devices,
    users,
    linkDesktops,
    fanout,
    clock,
    linkLimits,
    () => publicUrl,
    log,
    shared.limiter,
  );

  const gateway = new Gateway({
    pairing,
    links,
    sessions,
    presence,
    chat: new ChatSocket(chat, sends, clock, chatLimits, log, ops.metrics.sends),
    scans,
    clock,
    hub,
    log,
    publicUrl: () => publicUrl,
    clientIp: (request) => clientAddress(request, trust),
    allowedOrigins: () => origins,
    handshakeFailures: shared.limiter({ keyPrefix: "handshake-fail", points: options.handshakeFailuresPerMinute ?? 30, duration: 60 }),
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    refusalLimits: { ...defaultRefusalLimits, ...options.refusalLimits },
    heartbeatMs: options.heartbeatMs ?? defaultHeartbeatMs,
    sessionCheckMs: authLimits.sessionCheckMs,
    sessionFullCheckMs: authLimits.sessionFullCheckMs,
  });
  handlers.dropSessions = (sessionIds) => gateway.dropSessions(sessionIds);
  handlers.scanConfirmed = (targetSessionId, scanId) => scans.confirmed(targetSessionId, scanId);
  sessions.onRevoked((sessionIds) => sockets.dropSessions(sessionIds));
  http.server.on("upgrade", (request, socket, head) => gateway.handleUpgrade(request, socket, head));

  const router = new Router(http, (token) => sessions.authenticate(token), await multipartScope(http));
  router.registerAll(routes, {
    pairing: pairingHandlers(pairing, ops.health),
    auth: authHandlers(auth),
    users: userHandlers(users, avatars),
    contacts: contactHandlers(contactQr, contacts),
    chats: chatHandlers(chat),
    groups: groupHandlers(groups),
    search: searchHandlers(new SearchService(database)),
    attachments: attachmentHandlers(attachments, spool, attachmentLimits),
    link: linkHandlers(links),
    devices: deviceHandlers(devices),
  });
  registerOpenApi(http, routes);
  registerMetrics(http, ops.metrics, config.metricsToken);
  await registerWebClient(http, options.webDist ?? defaultWebDist);

  const tickMs = options.tickMs ?? 1_000;
  let ticking = false;
  const ticker =
    tickMs > 0
      ? setInterval(() => {
          if (ticking) return;
          ticking = true;
          void Promise.all([
            pairing.tick(gateway.pairingSessionIds()).catch((error: unknown) => jobFailed(log, "pairing sweep", error)),
            links.tick().catch((error: unknown) => jobFailed(log, "link sweep", error)),
          ]).finally(() => (ticking = false));
        }, tickMs)
      : undefined;
  // Forget ended code requests and idle rate-limit counters after a day.
  const sweeper =
    tickMs > 0
      ? setInterval(() => {
          const day = 24 * 60 * 60_000;
          Promise.all([otp.sweep(day), rateLimiter.sweep(day)]).catch((error: unknown) => jobFailed(log, "auth sweep", error));
        }, 10 * 60_000)
      : undefined;
  sweeper?.unref();
  const stopJobs =
    tickMs > 0
      ? [
          every(presenceLimits.tickMs, "presence tick", () => presence.tick(), log),
          every(contactLimits.sweepEveryMs, "contacts sweep", () => contacts.sweep(), log),
          every(attachmentLimits.sweepEveryMs, "attachments sweep", () => attachments.sweep(), log),
          every(FILE_SWEEP_EVERY_MS, "file sweep", () => fileSweep.run(), log, { atStart: true }),
          every(60 * 60_000, "idle devices", () => sessions.expireIdle(), log),
          every(PROBE_EVERY_MS, "latency probes", () => ops.metrics.probe(), log, { atStart: true }),
        ]
      : [];

  return {
    http,
    database,
    pairing,
    links,
    devices,
    sessions,
    auth,
    users,
    contactQr,
    contacts,
    presence,
    attachments,
    fileSweep,
    chat,
    gateway,
    realtime,
    router,
    operations: ops,
    shared,
    publicUrl: () => publicUrl,
    allowedOrigins: () => origins,
    async listen() {
      const address = await http.listen({ port: config.port, host: config.host, backlog: 2048 });
      const url = new URL(address);
      if (!publicUrl) publicUrl = url.origin;
      origins = allowedOrigins({ listening: url.origin, publicUrl, addresses: localAddresses(), extra: config.allowedOrigins });
      return url.origin;
    },
    async close() {
      clearInterval(ticker);
      clearInterval(sweeper);
      for (const stop of stopJobs) stop();
      gateway.close();
      await http.close();
      await realtime.close();
      ops.close();
      delivery.close();
      await database.close();
      await shared.close();
      await spool.close();
    },
  };
}
