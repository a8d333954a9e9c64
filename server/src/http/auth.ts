import type { FastifyRequest } from "fastify";
import type { AccessClaims } from "../auth/tokens.ts";
import { AppError } from "../errors.ts";

/** Checks an access token and its session (SessionService.authenticate). */
export type Authenticator = (accessToken: string) => Promise<AccessClaims>;

/** `Bearer ` and an access token (the socket handshake allows 4,096 characters for it). */
const MAX_AUTHORIZATION_LENGTH = 4_200;

/** The HTTP side of auth: `Authorization: Bearer <access token>`, nothing else (no cookies, no query string). */
export async function authenticate(request: FastifyRequest, authenticator: Authenticator): Promise<AccessClaims> {
  const header = request.headers.authorization;
  if (!header) throw new AppError("AUTH_REQUIRED", "Sign in first: send Authorization: Bearer <access token>.");
  if (header.length > MAX_AUTHORIZATION_LENGTH) throw new AppError("AUTH_TOKEN_INVALID", "The Authorization header is too long.");
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  if (!match?.[1]) throw new AppError("AUTH_TOKEN_INVALID", "The Authorization header must be `Bearer <access token>`.");
  return authenticator(match[1]);
}
