import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { routeList, routes } from "@easyqr/protocol";
import { AppError } from "../errors.ts";
import { notFound } from "./errors.ts";

/** First path segments that belong to the server, never to the single-page app: the API, the socket, and every route of the table. */
const serverRoots: ReadonlySet<string> = new Set(["api", "ws", "metrics", ...routeList(routes).map(({ route }) => route.path.split("/")[1] ?? "")]);

/**
 * A browser navigating to a page of the app (`/home`, `/desktop`, a reload anywhere):
 * it gets index.html and the client router takes over. Anything else that is not found
 * (API calls, missing assets, other methods) gets the JSON 404.
 */
function isPageRequest(method: string, path: string, accept: string | undefined): boolean {
  if (method !== "GET" || serverRoots.has(path.split("/")[1] ?? "")) return false;
  if (/\.[A-Za-z0-9]+$/.test(path)) return false;
  return (accept ?? "").includes("text/html");
}

/** Serves the built web client (web/dist) and sends its routes to index.html. */
export async function registerWebClient(app: FastifyInstance, distDir: string): Promise<void> {
  const built = existsSync(join(distDir, "index.html"));
  const assetsDir = join(distDir, "assets");
  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      setHeaders(res, path) {
        res.header("x-content-type-options", "nosniff");
        // Vite puts a content hash in every asset name: cache those forever, never index.html.
        if (path.startsWith(assetsDir)) res.header("cache-control", "public, max-age=31536000, immutable");
        else res.header("cache-control", "no-cache");
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split(/[?#]/)[0] ?? "/";
    if (!isPageRequest(request.method, path, request.headers.accept)) throw notFound(path);
    if (!built) throw new AppError("NOT_FOUND", "The web client is not built yet: run `npm run build` (or `npm start`).");
    void reply.header("cache-control", "no-cache").header("x-content-type-options", "nosniff");
    return reply.sendFile("index.html");
  });
}
