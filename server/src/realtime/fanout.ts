import type { UserFanout } from "../fanout.ts";
import type { Hub } from "./hub.ts";

/** The in-process UserFanout: this node's sockets. */
export function localFanout(hub: Hub): UserFanout {
  return (userId, event, options) => hub.publishToUser(userId, event, options);
}
