/** What the chat bench and its load-generator processes say to each other over IPC. */

/** One socket a worker opens: a user, the chat it sends into (none for idle sockets), and the node it connects to (the init's `url` when none). */
export type WorkerUser = { id: string; accessToken: string; chatId?: string; url?: string };

export type WorkerCommand =
  /** `lanes`: handshakes in flight at once (64 by default); fewer when several load processes share a busy server. */
  | { type: "init"; url: string; users: WorkerUser[]; sourceIps: string[]; lanes?: number }
  | { type: "step"; rate: number; durationMs: number; drainMs: number; window: number }
  | { type: "stop" };

export type StepResult = {
  offered: number;
  sent: number;
  /** Offered but not sent: the sender already had `window` SENDs without an ACK. */
  windowFull: number;
  acked: number;
  delivered: number;
  /** Delivered before the step's offered load ended. */
  deliveredInWindow: number;
  /** Still without ACK / MESSAGE when the drain time ran out. */
  unacked: number;
  undelivered: number;
  /** MESSAGE events for no SEND of this step (late from the previous one, or doubled). */
  unexpected: number;
  ackErrors: Record<string, number>;
  ackLatencies: number[];
  deliveryLatencies: number[];
  durationMs: number;
  cpuSeconds: number;
  /** Of which in the kernel (socket syscalls). */
  systemSeconds: number;
};

export type WorkerReply =
  /** `retries`: handshakes tried again (after a timeout, a refusal, a busy node), by reason. */
  | { type: "ready"; sockets: number; retries: Record<string, number> }
  | { type: "result"; result: StepResult }
  | { type: "stopped" }
  | { type: "failed"; error: string };
