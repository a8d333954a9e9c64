import type { FastifyInstance } from "fastify";
import { ErrorEnvelope, type ErrorCode } from "@easyqr/protocol";
import { z } from "zod";
import { statusOf } from "../errors.ts";
import type { AnyRouteSpec, Router } from "./route.ts";

type JsonSchema = Record<string, unknown>;

/** A protocol schema as JSON Schema (2020-12, what OpenAPI 3.1 uses), as a client sends it or as the server sends it. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: "query" | "path"): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function operation(spec: AnyRouteSpec): JsonSchema {
  const errors = new Map<number, ErrorCode[]>();
  const codes: ErrorCode[] = [...(spec.body || spec.query || spec.params ? (["VALIDATION"] as const) : []), ...(spec.errors ?? [])];
  for (const code of codes) {
    const status = statusOf(code);
    errors.set(status, [...(errors.get(status) ?? []), code]);
  }
  const responses: JsonSchema = spec.response
    ? { 200: { description: "OK", content: { "application/json": { schema: jsonSchema(spec.response as z.ZodType, "output") } } } }
    : spec.fileResponse
      ? { 200: { description: "The file", content: { [spec.fileResponse]: { schema: { type: "string", format: "binary" } } } } }
      : { 204: { description: "Done; no body" } };
  for (const [status, list] of [...errors].sort(([a], [b]) => a - b)) {
    responses[status] = {
      description: `error.code: ${list.join(", ")}`,
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
    };
  }
  const requestBody = spec.body
    ? { required: true, content: { "application/json": { schema: jsonSchema(spec.body as z.ZodType, "input") } } }
    : spec.multipartFile
      ? {
          required: true,
          content: {
            "multipart/form-data": {
              schema: { type: "object", properties: { [spec.multipartFile]: { type: "string", format: "binary" } }, required: [spec.multipartFile] },
            },
          },
        }
      : undefined;
  return {
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.auth ? { security: [{ bearer: [] }] } : {}),
    parameters: [...parameters(spec.params as z.ZodType | undefined, "path"), ...parameters(spec.query as z.ZodType | undefined, "query")],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of every route the router knows, generated from the same zod schemas that parse requests. */
export function openApiDocument(specs: readonly AnyRouteSpec[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of specs) {
    const path = spec.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    (paths[path] ??= {})[spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "EasyQR API",
      version: "0.1.0",
      description: "Errors are always `{error: {code, message, data?}}`; clients branch on `code`. Sockets: see docs/protocol.md.",
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { ErrorEnvelope: jsonSchema(ErrorEnvelope, "output") },
    },
  };
}

/** `GET /api/openapi.json` (the document) and `GET /api/docs` (a plain page listing the routes, no scripts). */
export function registerOpenApi(app: FastifyInstance, router: Router): void {
  let document: JsonSchema | undefined;
  const build = () => (document ??= openApiDocument(router.specs));
  app.get("/api/openapi.json", (_request, reply) => reply.header("cache-control", "no-cache").send(build()));
  app.get("/api/docs", (_request, reply) => {
    const rows = router.specs
      .map((s) => `<tr><td><code>${s.method}</code></td><td><code>${escape(s.url)}</code></td><td>${s.auth ? "🔒" : ""}</td><td>${escape(s.summary)}</td></tr>`)
      .join("\n");
    const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>EasyQR API</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:70rem}td{padding:.3rem .6rem;vertical-align:top;border-bottom:1px solid #ddd}</style>
<h1>EasyQR API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). 🔒 = <code>Authorization: Bearer &lt;access token&gt;</code>.</p>
<table>${rows}</table></html>`;
    return reply
      .header("content-type", "text/html; charset=utf-8")
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
      .send(html);
  });
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}
