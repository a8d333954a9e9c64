import type * as z from "zod/mini";
import type { ErrorCode } from "../errors.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One HTTP route as data: what it takes and what it answers, as protocol schemas. The server
 * registers its handler from it, the OpenAPI document is generated from it and the web client
 * calls it through it; nothing else spells the route.
 */
export type Route = {
  readonly method: Method;
  /** `:name` marks a path parameter (a key of `params`). */
  readonly path: `/${string}`;
  readonly summary: string;
  /** The OpenAPI tag (the part of the docs it is listed under). */
  readonly tag: string;
  /** Needs `Authorization: Bearer <access token>`. */
  readonly auth: boolean;
  readonly params?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
  /** A JSON body. */
  readonly body?: z.ZodMiniType;
  /** The body is multipart/form-data with exactly one part: a file in this field. */
  readonly upload?: string;
  /** The 200 JSON body. A route with neither `response` nor `file` answers 204. */
  readonly response?: z.ZodMiniType;
  /** The 200 body is a file of this content type (its bytes, not JSON). */
  readonly file?: string;
  /** Error codes worth documenting besides VALIDATION and INTERNAL. */
  readonly errors?: readonly ErrorCode[];
};

/** Routes by name, in one domain (auth, users, …). */
export type RouteGroup = { readonly [name: string]: Route };
/** Every route, by domain and name. */
export type RouteTable = { readonly [domain: string]: RouteGroup };

type SchemaAt<R, K extends "params" | "query" | "body" | "response"> = R extends { readonly [P in K]: infer S extends z.ZodMiniType } ? S : undefined;

/** What a client sends as path parameters (undefined for a route without any). */
export type RouteParams<R extends Route> = SchemaAt<R, "params"> extends infer S extends z.ZodMiniType ? z.input<S> : undefined;
/** What a client sends in the query string. */
export type RouteQuery<R extends Route> = SchemaAt<R, "query"> extends infer S extends z.ZodMiniType ? z.input<S> : undefined;
/** What a client sends as the JSON body. */
export type RouteBody<R extends Route> = SchemaAt<R, "body"> extends infer S extends z.ZodMiniType ? z.input<S> : undefined;
/** The parsed JSON answer (undefined for a 204 or a file). */
export type RouteResponse<R extends Route> = SchemaAt<R, "response"> extends infer S extends z.ZodMiniType ? z.output<S> : undefined;

/** Every route of the table in one list, each with its domain and name. */
export function routeList(table: RouteTable): { domain: string; name: string; route: Route }[] {
  return Object.entries(table).flatMap(([domain, group]) => Object.entries(group).map(([name, route]) => ({ domain, name, route })));
}
