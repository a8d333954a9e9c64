import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { ErrorCode } from "@easyqr/protocol";
import type { AccessClaims } from "../auth/tokens.ts";
import { parseOr } from "../validate.ts";
import { authenticate, type Authenticator } from "./auth.ts";

type Schema = z.ZodType | undefined;
type In<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.input<S> : void;

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One API route: what it takes and returns, as protocol schemas. The same description feeds the OpenAPI document. */
export type RouteSpec<B extends Schema, Q extends Schema, P extends Schema, R extends Schema, A extends boolean> = {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  /** Needs `Authorization: Bearer <access token>`. */
  auth: A;
  body?: B;
  query?: Q;
  params?: P;
  /** The 2xx body; none means 204. */
  response?: R;
  /** Error codes worth documenting besides VALIDATION and INTERNAL. */
  errors?: ErrorCode[];
  /** The body is multipart/form-data with one file field of this name (parsed by the handler). */
  multipartFile?: string;
  /** The 200 body is a file of this content type (documentation only). */
  fileResponse?: string;
};

export type RouteContext<B extends Schema, Q extends Schema, P extends Schema, A extends boolean> = {
  body: In<B>;
  query: In<Q>;
  params: In<P>;
  principal: A extends true ? AccessClaims : undefined;
  request: FastifyRequest;
  reply: FastifyReply;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry of routes of every shape
export type AnyRouteSpec = RouteSpec<any, any, any, any, boolean>;

/** Registers routes: parses input with the spec's schemas, checks auth, calls the handler, serialises. */
export class Router {
  readonly specs: AnyRouteSpec[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticator: Authenticator,
  ) {}

  /** Documents a route registered directly on Fastify (the seed's pairing routes, file downloads). */
  describe(spec: AnyRouteSpec): void {
    this.specs.push(spec);
  }

  add<B extends Schema = undefined, Q extends Schema = undefined, P extends Schema = undefined, R extends Schema = undefined, A extends boolean = false>(
    spec: RouteSpec<B, Q, P, R, A>,
    handler: (context: RouteContext<B, Q, P, A>) => Promise<Out<R>>,
  ): void {
    this.specs.push(spec);
    const { authenticator } = this;
    this.app.route({
      method: spec.method,
      url: spec.url,
      async handler(request, reply) {
        const principal = spec.auth ? await authenticate(request, authenticator) : undefined;
        const context = {
          body: (spec.body ? parseOr(spec.body, request.body ?? {}) : undefined) as In<B>,
          query: (spec.query ? parseOr(spec.query, request.query ?? {}) : undefined) as In<Q>,
          params: (spec.params ? parseOr(spec.params, request.params ?? {}) : undefined) as In<P>,
          principal: principal as A extends true ? AccessClaims : undefined,
          request,
          reply,
        };
        const result = await handler(context);
        void reply.header("cache-control", "no-store");
        if (spec.response === undefined) return reply.status(204).send();
        return result;
      },
    });
  }
}
