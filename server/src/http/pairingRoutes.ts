import type { FastifyInstance } from "fastify";
import { CreateSessionRequest, CreateSessionResponse, HealthResponse } from "@easyqr/protocol";
import type { Database } from "../db/database.ts";
import type { PairingService } from "../pairing/service.ts";
import { parseOr } from "../validate.ts";
import type { Router } from "./route.ts";

export function registerPairingRoutes(app: FastifyInstance, router: Router, pairing: PairingService, database: Database): void {
  router.describe({ method: "GET", url: "/health", tag: "pairing", summary: "Liveness and database readiness (503 when the database is down)", auth: false, response: HealthResponse });
  router.describe({
    method: "POST",
    url: "/create-session",
    tag: "pairing",
    summary: "Start a desktop pairing session: the QR to show and the desktop's secret (socket protocol: docs/protocol.md)",
    auth: false,
    body: CreateSessionRequest,
    response: CreateSessionResponse,
    errors: ["RATE_LIMITED"],
  });
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
