import type { Routes } from "@easyqr/protocol";
import type { HealthAnswer } from "../ops/health.ts";
import type { PairingService } from "../pairing/service.ts";
import type { Handlers } from "./route.ts";

export function pairingHandlers(pairing: PairingService, health: () => Promise<HealthAnswer>): Handlers<Routes["pairing"]> {
  return {
    health: async ({ reply }) => {
      const { httpStatus, body } = await health();
      void reply.status(httpStatus);
      return body;
    },
    createSession: ({ body, request }) => pairing.createSession(request.ip, body),
  };
}
