import { attachmentsRoutes } from "./attachments.ts";
import { authRoutes } from "./auth.ts";
import { chatsRoutes } from "./chats.ts";
import { contactsRoutes } from "./contacts.ts";
import { groupsRoutes } from "./groups.ts";
import { devicesRoutes, linkRoutes } from "./linking.ts";
import { pairingRoutes } from "./pairing.ts";
import { searchRoutes } from "./search.ts";
import type { RouteTable } from "./route.ts";
import { usersRoutes } from "./users.ts";

export * from "./route.ts";
export * from "./url.ts";
export { avatarOf } from "./users.ts";

/**
 * Every HTTP route of the server, by domain and name: the one place a route exists. The server
 * registers a handler for each (`Handlers<typeof routes>`), the OpenAPI document is made from it,
 * and the web client calls the server only through it.
 */
export const routes = {
  pairing: pairingRoutes,
  auth: authRoutes,
  users: usersRoutes,
  contacts: contactsRoutes,
  chats: chatsRoutes,
  groups: groupsRoutes,
  search: searchRoutes,
  attachments: attachmentsRoutes,
  link: linkRoutes,
  devices: devicesRoutes,
} as const satisfies RouteTable;
export type Routes = typeof routes;
