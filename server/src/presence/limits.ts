/** Timings of presence; tests shrink some, production keeps these. */
export type PresenceLimits = {
  /**
   * A socket's lease lasts this long after it was last heard from (a pong or a frame): more than two
   * heartbeats (15 s), so one lost pong does not flap. Also what a node that dies costs its users:
   * offline at most this plus a tick after they were last heard, within the 45 s of issue 17.
   */
  leaseTtlMs: number;
  /** A closed socket's lease lasts this much longer, so a quick reconnect does not flap to offline and back. */
  graceMs: number;
  /** How often each node renews its sockets' leases and ends expired ones. */
  tickMs: number;
};

export const defaultPresenceLimits: PresenceLimits = {
  leaseTtlMs: 40_000,
  graceMs: 5_000,
  tickMs: 2_000,
};
