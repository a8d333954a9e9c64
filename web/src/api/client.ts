import { routeUrl, type Method, type Route, type RouteBody, type RouteParams, type RouteQuery, type RouteResponse } from "@easyqr/protocol";
import { ApiError, defaultFetch, errorOf, jsonOf, parseResponse, type Fetch } from "./http.ts";

/** One request on the wire. */
export type WireRequest = { method: Method; url: string; headers: Record<string, string>; body?: BodyInit; signal?: AbortSignal };
/** Its answer, whatever carried it. */
export type WireAnswer = { status: number; header(name: string): string | null; text(): Promise<string>; blob(): Promise<Blob> };
/** What carries a request: fetch by default; an upload with progress brings an XMLHttpRequest one. */
export type Transport = (request: WireRequest) => Promise<WireAnswer>;

/** Runs `attempt` with an access token; the session refreshes it once and retries once when only the token was refused. */
export type Authorizer = <T>(attempt: (accessToken: string) => Promise<T>) => Promise<T>;

type Part<K extends string, T> = [T] extends [undefined]
  ? { readonly [P in K]?: never }
  : Partial<T> extends T
    ? { readonly [P in K]?: T }
    : { readonly [P in K]: T };

/** What a call of route `R` takes: its path parameters, query and body as the protocol types them, the file of an upload. */
export type CallInput<R extends Route> = Part<"params", RouteParams<R>> &
  Part<"query", RouteQuery<R>> &
  Part<"body", RouteBody<R>> &
  (R extends { readonly upload: string } ? { readonly file: Blob & { readonly name?: string } } : { readonly file?: never }) & {
    readonly signal?: AbortSignal;
    /** Another way to send it (an upload with progress); the URL, auth, errors and answer stay the client's. */
    readonly transport?: Transport;
  };

/** What a call of route `R` resolves with: its parsed JSON answer, a file's bytes, or nothing (204). */
export type CallAnswer<R extends Route> = R extends { readonly response: unknown } ? RouteResponse<R> : R extends { readonly file: string } ? Blob : void;

/** A call's input with the route's types erased. */
type LooseInput = {
  params?: Readonly<Record<string, unknown>>;
  query?: Readonly<Record<string, unknown>>;
  body?: unknown;
  file?: Blob & { readonly name?: string };
  signal?: AbortSignal;
  transport?: Transport;
};

type InputArgs<R extends Route> = Partial<CallInput<R>> extends CallInput<R> ? [input?: CallInput<R>] : [input: CallInput<R>];

export type ApiClient = {
  /** Calls a route of the protocol's table; every answer is parsed with the route's schema. */
  call<R extends Route>(route: R, ...input: InputArgs<R>): Promise<CallAnswer<R>>;
  /** The bytes behind a link the server handed out (an attachment's `url` or `thumbUrl`), fetched with the access token. */
  link(url: string, signal?: AbortSignal): Promise<Blob>;
};

export type ApiClientOptions = {
  /** The server's origin; empty for this page's own. */
  base?: string;
  fetch?: Fetch;
  /** Signs calls of routes that need it; without it those calls fail with AUTH_REQUIRED. */
  authorized?: Authorizer;
};

export function fetchTransport(fetchImpl: Fetch): Transport {
  return async ({ method, url, headers, body, signal }) => {
    const response = await fetchImpl(url, { method, headers, body, signal });
    return { status: response.status, header: (name) => response.headers.get(name), text: () => response.text(), blob: () => response.blob() };
  };
}

/** The one HTTP client of the web app: every call goes to a route of `routes` (protocol), by its path, method and schemas. */
export function apiClient(options: ApiClientOptions = {}): ApiClient {
  const base = options.base ?? "";
  const viaFetch = fetchTransport(options.fetch ?? defaultFetch);

  /** Sends a request (signed when `auth`) and returns its 2xx answer; anything else throws an ApiError. */
  const exchange = (request: WireRequest, auth: boolean, transport: Transport = viaFetch): Promise<WireAnswer> => {
    const send = async (token?: string) => {
      const headers = token === undefined ? request.headers : { ...request.headers, authorization: `Bearer ${token}` };
      let answer: WireAnswer;
      try {
        answer = await transport({ ...request, headers });
      } catch (error) {
        if (request.signal?.aborted || error instanceof ApiError) throw error;
        throw new ApiError("NETWORK", "Cannot reach the EasyQR server. Is it running?");
      }
      if (answer.status >= 200 && answer.status < 300) return answer;
      throw errorOf(answer.status, await answer.text().catch(() => ""), answer.header("retry-after"));
    };
    if (!auth) return send();
    if (!options.authorized) return Promise.reject(new ApiError("AUTH_REQUIRED", "This call needs a signed-in session.", 401));
    return options.authorized(send);
  };

  /** A call of any route, by its description: the typed `call` below is this with the table's types. */
  const callRoute = async (route: Route, input: LooseInput): Promise<unknown> => {
    const headers: Record<string, string> = {};
    let body: BodyInit | undefined;
    if (route.upload && input.file) {
      const form = new FormData();
      form.set(route.upload, input.file, input.file.name ?? "file");
      body = form;
    } else if (input.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(input.body);
    }
    const url = `${base}${routeUrl(route, input)}`;
    const answer = await exchange({ method: route.method, url, headers, body, signal: input.signal }, route.auth, input.transport);
    if (route.response) return parseResponse(route.response, jsonOf(await answer.text()), `an answer to ${route.method} ${route.path}`);
    if (route.file) return answer.blob();
    return undefined;
  };

  return {
    // The table's types hold `input` to the route and the answer to its schema; here both are erased.
    call: <R extends Route>(route: R, ...[input]: InputArgs<R>) => callRoute(route, (input ?? {}) as LooseInput) as Promise<CallAnswer<R>>,
    async link(url, signal) {
      const answer = await exchange({ method: "GET", url: `${base}${url}`, headers: {}, signal }, true);
      return answer.blob();
    },
  };
}
