import type { Routes } from "@easyqr/protocol";
import type { DeviceService } from "../devices/service.ts";
import type { LinkService } from "../linking/service.ts";
import type { Handlers } from "./route.ts";

export function linkHandlers(links: LinkService): Handlers<Routes["link"]> {
  return {
    claim: ({ body, principal, request }) => links.claim(principal, body, request.ip),
    approve: async ({ params, principal }) => {
      await links.approve(principal.userId, params.linkId);
      return {};
    },
    deny: async ({ params, principal }) => {
      await links.deny(principal.userId, params.linkId);
      return {};
    },
    redeem: ({ body, request }) => links.redeem(body, request.ip, request.headers["user-agent"]?.slice(0, 256) ?? ""),
  };
}

export function deviceHandlers(devices: DeviceService): Handlers<Routes["devices"]> {
  return {
    list: async ({ principal }) => ({ devices: await devices.list(principal.userId, principal.sessionId) }),
    revoke: async ({ params, principal }) => {
      await devices.revoke(principal.userId, params.deviceId);
      return {};
    },
    logOutOthers: async ({ principal }) => ({ revoked: await devices.logOutOthers(principal.userId, principal.sessionId) }),
  };
}
