import type { FastifyInstance } from "fastify";
import { CreateSessionRequest, type CreateSessionResponse, type HealthResponse } from "@easyqr/protocol";
import type { PairingService } from "../pairing/service.ts";
import { parseOr } from "../validate.ts";

export function registerPairingRoutes(app: FastifyInstance, pairing: PairingService): void {
  app.get("/health", (): HealthResponse => ({ status: "ok" }));

  app.post("/create-session", async (request, reply): Promise<CreateSessionResponse> => {
    const body = parseOr(CreateSessionRequest, request.body ?? {});
    const session = await pairing.createSession(request.ip, body);
    void reply.header("cache-control", "no-store");
    return session;
  });
}
