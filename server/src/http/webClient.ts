import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.ts";
import { notFound } from "./errors.ts";

/** Client routes of the single-page app: served index.html, the router takes over. */
const appRoutes = /^\/(desktop|scan|pair|add)?\/?$/;

/** Serves the built web client (web/dist) and sends its routes to index.html. */
export async function registerWebClient(app: FastifyInstance, distDir: string): Promise<void> {
  const built = existsSync(join(distDir, "index.html"));
  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      setHeaders(res, path) {
        res.header("x-content-type-options", "nosniff");
        // Vite puts a content hash in every asset name: cache those forever, never index.html.
        if (path.includes(`${join("dist", "assets")}`)) res.header("cache-control", "public, max-age=31536000, immutable");
        else res.header("cache-control", "no-cache");
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split(/[?#]/)[0] ?? "/";
    if (request.method !== "GET" || !appRoutes.test(path)) throw notFound(path);
    if (!built) throw new AppError("NOT_FOUND", "The web client is not built yet: run `npm run build` (or `npm start`).");
    void reply.header("cache-control", "no-cache").header("x-content-type-options", "nosniff");
    return reply.sendFile("index.html");
  });
}
