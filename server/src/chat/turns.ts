/**
 * The order among transactions that move a chat's rev: batches of sends (PostgreSQL runs a few at
 * once; SQLite one) and changes to messages (edit, delete, reaction), on either engine. Each takes
 * a turn as it starts and keeps it twice over:
 * - it locks its chats once the one before holds its own. A chat both write is then written first
 *   by the earlier one, so a chat's seqs and revs follow the order of the line (a socket's messages
 *   keep their order), and by induction this holds between any two of the line.
 * - it answers (ACKs and events) once the one before has answered. PostgreSQL lets the next writer
 *   of a chat in as the commit releases the lock, before the COMMIT's reply reaches us: without
 *   this wait the later transaction's events could go out first. Commits on a shared chat come in
 *   line order (above), so answering in line order keeps every chat's events in rev order: a change
 *   to a message is never heard before the message.
 * Transactions with no chat in common wait for each other too; that costs at most a commit.
 */
export class Turns {
  private locked: Promise<void> = Promise.resolve();
  private answered: Promise<void> = Promise.resolve();

  take(): Turn {
    const lock = step(this.locked);
    const answer = step(this.answered);
    this.locked = lock.passed;
    this.answered = answer.passed;
    return {
      mayLock: lock.ready,
      locked: lock.pass,
      mayAnswer: answer.ready,
      leave() {
        lock.pass();
        answer.pass();
      },
    };
  }
}

export type Turn = {
  /** Resolves when the transaction before this one holds its chats' locks (or is gone). */
  mayLock: Promise<void>;
  /** This one holds its chats' locks: the next may take its own. */
  locked(): void;
  /** Resolves when the transaction before this one has answered (or failed). */
  mayAnswer: Promise<void>;
  /** Answered or failed: lets the next one lock and answer. Always call it; calling it twice is fine. */
  leave(): void;
};

/** One place in a line: ready when the place before is passed; passed when both it and this one are. */
function step(before: Promise<void>): { ready: Promise<void>; pass: () => void; passed: Promise<void> } {
  let pass = (): void => undefined;
  const own = new Promise<void>((resolve) => (pass = resolve));
  return { ready: before, pass, passed: before.then(() => own) };
}
