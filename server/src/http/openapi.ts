import type { FastifyInstance } from "fastify";
import { ErrorDetails, ErrorEnvelope, hasDetails, routeList, type ErrorCode, type Route, type RouteTable } from "@easyqr/protocol";
import * as z from "zod/mini";
import { statusOf } from "../errors.ts";

type JsonSchema = Record<string, unknown>;

/** A protocol schema as JSON Schema (2020-12, what OpenAPI 3.1 uses), as a client sends it or as the server sends it. */
function jsonSchema(schema: z.core.$ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

function parameters(schema: z.core.$ZodType | undefined, where: "query" | "path"): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function operation(spec: Route): JsonSchema {
  const errors = new Map<number, ErrorCode[]>();
  const codes: ErrorCode[] = [...(spec.body || spec.query || spec.params ? (["VALIDATION"] as const) : []), ...(spec.errors ?? [])];
  for (const code of codes) {
    const status = statusOf(code);
    errors.set(status, [...(errors.get(status) ?? []), code]);
  }
  const responses: JsonSchema = spec.response
    ? { 200: { description: "OK", content: { "application/json": { schema: jsonSchema(spec.response, "output") } } } }
    : spec.file
      ? { 200: { description: "The file", content: { [spec.file]: { schema: { type: "string", format: "binary" } } } } }
      : { 204: { description: "Done; no body" } };
  for (const [status, list] of [...errors].sort(([a], [b]) => a - b)) {
    const withData = list.map((code) => (hasDetails(code) ? `${code} (data: ErrorDetails.${code})` : code));
    responses[status] = {
      description: `error.code: ${withData.join(", ")}`,
      content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorEnvelope" } } },
    };
  }
  const requestBody = spec.body
    ? { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } }
    : spec.upload
      ? {
          required: true,
          content: {
            "multipart/form-data": {
              schema: { type: "object", properties: { [spec.upload]: { type: "string", format: "binary" } }, required: [spec.upload] },
            },
          },
        }
      : undefined;
  return {
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.auth ? { security: [{ bearer: [] }] } : {}),
    parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of every route of the table, generated from the same zod schemas that parse requests. */
export function openApiDocument(table: RouteTable): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { domain, name, route } of routeList(table)) {
    const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, "{$1}");
    (paths[path] ??= {})[route.method.toLowerCase()] = { operationId: `${domain}.${name}`, ...operation(route) };
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
      schemas: {
        ErrorEnvelope: jsonSchema(ErrorEnvelope, "output"),
        // The `data` an error of these codes carries (protocol: ErrorDetails).
        ...Object.fromEntries(Object.entries(ErrorDetails).map(([code, schema]) => [`ErrorDetails.${code}`, jsonSchema(schema, "output")])),
      },
    },
  };
}

/**
 * `GET /api/openapi.json` (the document) and `GET /api/docs` (a plain page listing the routes, no
 * scripts): both describe the table, so they are not in it.
 */
export function registerOpenApi(app: FastifyInstance, table: RouteTable): void {
  let document: JsonSchema | undefined;
  const build = () => (document ??= openApiDocument(table));
  app.get("/api/openapi.json", (_request, reply) => reply.header("cache-control", "no-cache").send(build()));
  app.get("/api/docs", (_request, reply) => {
    const rows = routeList(table)
      .map(
        ({ route: s }) =>
          `<tr><td><code>${s.method}</code></td><td><code>${escape(s.path)}</code></td><td>${s.auth ? "🔒" : ""}</td><td>${escape(s.summary)}</td></tr>`,
      )
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
