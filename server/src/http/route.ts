import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type * as z from "zod/mini";
import { routeList, type Route, type RouteGroup, type RouteTable } from "@easyqr/protocol";
import type { AccessClaims } from "../auth/tokens.ts";
import { JsonText } from "../jsonText.ts";
import { parseOr } from "../validate.ts";
import { authenticate, type Authenticator } from "./auth.ts";

type Parsed<R, K extends "params" | "query" | "body"> = R extends { readonly [P in K]: infer S extends z.core.$ZodType } ? z.output<S> : undefined;

/** What a handler returns: the JSON answer (as its schema takes it), the reply that sent a file, or nothing (204). */
export type Answer<R extends Route> = R extends { readonly response: infer S extends z.core.$ZodType }
  ? z.input<S> | JsonText<z.input<S>>
  : R extends { readonly file: string }
    ? FastifyReply
    : void;

/** What a handler gets: the input parsed with the route's schemas, and who is calling when the route needs a sign-in. */
export type RouteContext<R extends Route> = {
  params: Parsed<R, "params">;
  query: Parsed<R, "query">;
  body: Parsed<R, "body">;
  principal: R extends { readonly auth: true } ? AccessClaims : undefined;
  request: FastifyRequest;
  reply: FastifyReply;
};

export type Handler<R extends Route> = (context: RouteContext<R>) => Promise<Answer<R>>;
/** A handler for every route of a group and for nothing else: a missing or an extra one does not compile. */
export type Handlers<G extends RouteGroup> = { [K in keyof G]: Handler<G[K]> };
/** Handlers for every group of a table. */
export type TableHandlers<T extends RouteTable> = { [D in keyof T]: Handlers<T[D]> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a handler of some route; `TableHandlers` ties each one to its route
type AnyHandler = (context: any) => Promise<unknown>;
type HandlerTree = { readonly [domain: string]: { readonly [name: string]: AnyHandler } };

/** Registers the table's routes: parses input with each route's schemas, checks auth, calls the handler, serialises. */
export class Router {
  /** What was registered on Fastify, in order (a test holds it equal to the table). */
  readonly registered: Route[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticator: Authenticator,
    /** Where the upload routes go: a scope of `app` with the multipart parser (upload.ts). */
    private readonly uploads: { scope: FastifyInstance },
  ) {}

  registerAll<T extends RouteTable>(table: T, handlers: NoInfer<TableHandlers<T>>): void {
    const tree: HandlerTree = handlers;
    for (const { domain, name, route } of routeList(table)) {
      const handler = tree[domain]?.[name];
      // Unreachable while the types hold; a loud start beats a silent 404.
      if (!handler) throw new Error(`No handler for the route ${domain}.${name}.`);
      this.add(route, handler);
    }
  }

  private add(route: Route, handler: AnyHandler): void {
    this.registered.push(route);
    const { authenticator } = this;
    (route.upload ? this.uploads.scope : this.app).route({
      method: route.method,
      url: route.path,
      async handler(request, reply) {
        const principal = route.auth ? await authenticate(request, authenticator) : undefined;
        const context = {
          body: route.body ? parseOr(route.body, request.body ?? {}) : undefined,
          query: route.query ? parseOr(route.query, request.query ?? {}) : undefined,
          params: route.params ? parseOr(route.params, request.params ?? {}) : undefined,
          principal,
          request,
          reply,
        };
        const result = await handler(context);
        // A file route's handler sent the bytes with their own headers.
        if (route.file) return reply;
        void reply.header("cache-control", "no-store");
        if (!route.response) return reply.status(204).send();
        if (result instanceof JsonText) return reply.type("application/json; charset=utf-8").send(result.text);
        return result;
      },
    });
  }
}
