import { CreateSessionRequest, CreateSessionResponse, HealthResponse } from "../pairing.ts";
import type { RouteGroup } from "./route.ts";

/** The seed's two routes (outside `/api`); pairing itself runs over the socket (docs/protocol.md). */
export const pairingRoutes = {
  health: {
    method: "GET",
    path: "/health",
    tag: "pairing",
    summary: "This node's health: database and Redis readiness with their latency, open sockets, uptime (200 ok or degraded; 503 when the database is down)",
    auth: false,
    response: HealthResponse,
  },
  createSession: {
    method: "POST",
    path: "/create-session",
    tag: "pairing",
    summary: "Start a desktop pairing session: the QR to show and the desktop's secret (socket protocol: docs/protocol.md)",
    auth: false,
    body: CreateSessionRequest,
    response: CreateSessionResponse,
    // UNAVAILABLE: in cluster mode the pairing session is kept in Redis, which may be out of reach.
    errors: ["RATE_LIMITED", "UNAVAILABLE"],
  },
} as const satisfies RouteGroup;
