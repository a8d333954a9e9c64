import type { UserFanout } from "../fanout.ts";
import type { Hub } from "./hub.ts";

export type { FanoutOptions, UserFanout } from "../fanout.ts";

/** The in-process UserFanout: this node's Hub. */
export function localFanout(hub: Hub): UserFanout {
  return (userId, event, options) => hub.publishToUser(userId, event, options);
}
