/** Where this server's pages are served from, once it listens. */
export type OriginSources = {
  /** The URL the server listens on: its scheme and port. */
  listening: string;
  /** PUBLIC_URL, or the LAN URL derived at start. */
  publicUrl: string;
  /** This machine's network addresses (IPv4, and IPv6 in brackets): the LAN URLs a browser may open. */
  addresses: readonly string[];
  /** ALLOWED_ORIGINS. */
  extra: readonly string[];
};

const loopback = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The origins whose pages may open `/ws`: the public URL, this server's own port on loopback and on
 * this machine's addresses (what it prints, what the desktop app opens), and ALLOWED_ORIGINS. All
 * from configuration, never from the request: a DNS-rebinding page sends our Host header but its
 * own Origin.
 */
export function allowedOrigins(sources: OriginSources): ReadonlySet<string> {
  const { protocol, port } = new URL(sources.listening);
  const own = [...loopback, ...sources.addresses].map((host) => new URL(`${protocol}//${host}:${port}`).origin);
  return new Set([new URL(sources.publicUrl).origin, ...own, ...sources.extra.map((o) => new URL(o).origin)]);
}

/**
 * A browser always sends Origin with a WebSocket handshake, so a page may connect only from an
 * allowed origin. A request without Origin is no browser page (the benchmark, tests, a native
 * client) and passes as before: such a client can send any Origin it likes anyway, so the check
 * protects people's browsers, not the server from tools.
 */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  try {
    return allowed.has(new URL(origin).origin);
  } catch {
    return false;
  }
}
