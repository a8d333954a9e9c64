/** What the group bench and its receiving processes say to each other over IPC. */

export type GroupWorkerCommand =
  | { type: "init"; url: string; users: { id: string; accessToken: string }[] }
  /** Arrivals so far: per client id, how many of this worker's sockets got it and when the last did. */
  | { type: "collect" }
  /** Every socket of the worker sends SEEN up to `seq` at once. */
  | { type: "storm"; chatId: string; seq: number }
  | { type: "stop" };

/** Times are `performance.timeOrigin + performance.now()`: one clock for every process of the machine. */
export type Arrival = { clientId: string; count: number; lastAt: number };

export type GroupWorkerReply =
  | { type: "ready"; sockets: number }
  | { type: "arrivals"; arrivals: Arrival[]; cpuSeconds: number }
  | { type: "stormed"; sentAt: number }
  | { type: "stopped" }
  | { type: "failed"; error: string };

/** Now on the clock every process of the machine shares (sub-millisecond, unlike Date.now). */
export const sharedNow = () => performance.timeOrigin + performance.now();
