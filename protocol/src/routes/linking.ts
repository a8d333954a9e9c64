import { VerifyCodeResponse } from "../auth.ts";
import { DeviceIdParams, DeviceList, EmptyResponse, LinkClaim, LinkClaimRequest, LinkIdParams, LinkRedeemRequest, LogOutOthersResponse } from "../linking.ts";
import { authErrors } from "./common.ts";
import type { RouteGroup } from "./route.ts";

/** Linking a desktop: the phone claims and approves, the desktop redeems (its socket side: docs/protocol.md). */
export const linkRoutes = {
  claim: {
    method: "POST",
    path: "/api/link/claim",
    tag: "link",
    summary: "Claim a desktop's link by the scanned ref or the typed code: who asks (compare `fingerprint` with the scanned one)",
    auth: true,
    body: LinkClaimRequest,
    response: LinkClaim,
    errors: [...authErrors, "LINK_NOT_FOUND", "LINK_ALREADY_USED", "DEVICE_LIMIT", "RATE_LIMITED"],
  },
  approve: {
    method: "POST",
    path: "/api/link/:linkId/approve",
    tag: "link",
    summary: "Approve a link this account claimed: the desktop gets a one-time ticket",
    auth: true,
    params: LinkIdParams,
    response: EmptyResponse,
    errors: [...authErrors, "LINK_NOT_FOUND", "LINK_GONE", "DEVICE_LIMIT"],
  },
  deny: {
    method: "POST",
    path: "/api/link/:linkId/deny",
    tag: "link",
    summary: "Deny a link this account claimed (final for that code)",
    auth: true,
    params: LinkIdParams,
    response: EmptyResponse,
    errors: [...authErrors, "LINK_NOT_FOUND"],
  },
  redeem: {
    method: "POST",
    path: "/api/link/redeem",
    tag: "link",
    summary: "The desktop redeems its ticket, signed with its key: its own device session, bound to that key",
    auth: false,
    body: LinkRedeemRequest,
    response: VerifyCodeResponse,
    errors: ["LINK_TICKET_INVALID", "LINK_SIGNATURE_INVALID", "DEVICE_LIMIT", "UNAVAILABLE"],
  },
} as const satisfies RouteGroup;

/** The account's sign-in sessions as devices. */
export const devicesRoutes = {
  list: {
    method: "GET",
    path: "/api/devices",
    tag: "devices",
    summary: "Every live device of the account, this one first",
    auth: true,
    response: DeviceList,
    errors: [...authErrors],
  },
  revoke: {
    method: "DELETE",
    path: "/api/devices/:deviceId",
    tag: "devices",
    summary: "Log out one of your devices: its tokens stop working and its sockets close within 5 s",
    auth: true,
    params: DeviceIdParams,
    response: EmptyResponse,
    errors: [...authErrors, "DEVICE_NOT_FOUND"],
  },
  logOutOthers: {
    method: "POST",
    path: "/api/devices/log-out-others",
    tag: "devices",
    summary: "Log out every device but this one",
    auth: true,
    response: LogOutOthersResponse,
    errors: [...authErrors],
  },
} as const satisfies RouteGroup;
