import type { FastifyInstance } from "fastify";
import { CreateSessionRequest, type CreateSessionResponse, type HealthResponse } from "@easyqr/protocol";
import type { Database } from "../db/database.ts";
import type { PairingService } from "../pairing/service.ts";
import { parseOr } from "../validate.ts";

export function registerPairingRoutes(app: FastifyInstance, pairing: PairingService, database: Database): void {
  app.get("/health", async (_request, reply): Promise<HealthResponse> => {
    const up = await database.ping();
    void reply.header("cache-control", "no-store").status(up ? 200 : 503);
    return { status: up ? "ok" : "down", checks: { database: up ? "ok" : "down" } };
  });

  app.post("/create-session", async (request, reply): Promise<CreateSessionResponse> => {
    const body = parseOr(CreateSessionRequest, request.body ?? {});
    const session = await pairing.createSession(request.ip, body);
    void reply.header("cache-control", "no-store");
    return session;
  });
}
