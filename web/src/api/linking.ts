import { routes } from "@easyqr/protocol";
import type { Device, LinkClaim, VerifyCodeResponse } from "@easyqr/protocol";
import type { ApiClient } from "./client.ts";

/** Linking a desktop and the account's devices (`routes.link`, `routes.devices`). */
export type LinkingApi = {
  /** The desktop, signed out: trades the approved ticket and K's signature for its own session. */
  redeem(body: { linkId: string; ticket: string; signature: string }): Promise<VerifyCodeResponse>;
  /** The phone: takes the link shown by a QR (`ref`) or typed (`code`); says who asks. */
  claim(body: { ref: string } | { code: string }): Promise<LinkClaim>;
  approve(linkId: string): Promise<void>;
  deny(linkId: string): Promise<void>;
  devices(): Promise<Device[]>;
  revoke(deviceId: string): Promise<void>;
  logOutOthers(): Promise<number>;
};

export function linkingApi(api: ApiClient): LinkingApi {
  return {
    redeem: (body) => api.call(routes.link.redeem, { body }),
    claim: (body) => api.call(routes.link.claim, { body }),
    async approve(linkId) {
      await api.call(routes.link.approve, { params: { linkId } });
    },
    async deny(linkId) {
      await api.call(routes.link.deny, { params: { linkId } });
    },
    devices: async () => (await api.call(routes.devices.list)).devices,
    async revoke(deviceId) {
      await api.call(routes.devices.revoke, { params: { deviceId } });
    },
    logOutOthers: async () => (await api.call(routes.devices.logOutOthers)).revoked,
  };
}
