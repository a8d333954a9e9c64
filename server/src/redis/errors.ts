/**
 * What ioredis throws for a command while Redis is away: the connection is not writable (commands
 * fail at once instead of queueing, see connect.ts), it closed under the command, or its one retry
 * ran out.
 */
const unreachableMessages = /^(Stream isn't writeable|Connection is closed|Reached the max retries per request limit)/;

/** Whether an error says Redis cannot be reached right now: the same work may succeed later. */
export function redisUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === "MaxRetriesPerRequestError" || unreachableMessages.test(error.message);
}
