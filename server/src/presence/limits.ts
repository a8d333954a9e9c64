/** Timings of presence; tests shrink some, production keeps these. */
export type PresenceLimits = {
  /** A socket's lease lasts this long after it was last heard from (a pong or a frame); more than two heartbeats. */
  leaseTtlMs: number;
  /** A closed socket's lease lasts this much longer, so a quick reconnect does not flap to offline and back. */
  graceMs: number;
  /** How often each node renews its sockets' leases and ends expired ones. */
  tickMs: number;
};

export const defaultPresenceLimits: PresenceLimits = {
  leaseTtlMs: 60_000,
  graceMs: 5_000,
  tickMs: 2_000,
};
