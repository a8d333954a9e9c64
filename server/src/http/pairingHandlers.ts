import type { Routes } from "@easyqr/protocol";
import type { Database } from "../db/database.ts";
import type { PairingService } from "../pairing/service.ts";
import type { Handlers } from "./route.ts";

export function pairingHandlers(pairing: PairingService, database: Database): Handlers<Routes["pairing"]> {
  return {
    health: async ({ reply }) => {
      const up = await database.ping();
      void reply.status(up ? 200 : 503);
      return { status: up ? "ok" : "down", checks: { database: up ? "ok" : "down" } };
    },
    createSession: ({ body, request }) => pairing.createSession(request.ip, body),
  };
}
