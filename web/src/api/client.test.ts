import assert from "node:assert/strict";
import { test } from "node:test";
import { routes } from "@easyqr/protocol";
import { apiClient, type Authorizer } from "./client.ts";
import { ApiError, type Fetch } from "./http.ts";

/** POST /create-session through the client: a route without sign-in, with a body and an answer to check. */
const createSession = (base: string, fetch: Fetch, body = {}) => apiClient({ base, fetch }).call(routes.pairing.createSession, { body });

type Seen = { url?: string; init?: RequestInit };

function fakeFetch(status: number, body: unknown, seen?: Seen, headers?: Record<string, string>) {
  return (url: string, init?: RequestInit) => {
    if (seen) Object.assign(seen, { url, init });
    const text = status === 204 ? null : typeof body === "string" ? body : JSON.stringify(body);
    return Promise.resolve(new Response(text, { status, headers }));
  };
}

const headersOf = (seen: Seen) => (seen.init?.headers ?? {}) as Record<string, string>;

const chatId = "5f0c6a0e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
const page = { messages: [], more: false, through: 0 };
const availability = { username: "ann", available: true };
/** Signs with a fixed token, as the session would with a live one. */
const signed: Authorizer = (attempt) => attempt("tok");

const session = {
  sessionId: "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f",
  token: "t",
  desktopToken: "d",
  status: "PENDING",
  createdAt: 1,
  expiresAt: 2,
  qr: { url: "http://h/pair#sid=x&t=t", token: "t", code: "ABCD2345", expiresAt: 2, rotatesAt: 1 },
};

test("the URL comes from the table: base, path parameters encoded, query built without undefined values", async () => {
  const seen: Seen = {};
  const api = apiClient({ base: "http://h", fetch: fakeFetch(200, page, seen), authorized: signed });
  await api.call(routes.chats.history, { params: { chatId }, query: { before: 12, after: undefined } });
  assert.equal(seen.url, `http://h/api/chats/${chatId}/messages?before=12`);
  assert.equal(seen.init?.method, "GET");
  assert.equal(seen.init?.body, undefined);

  await apiClient({ fetch: fakeFetch(200, { id: "u", name: null, username: null, bio: null, avatar: null }, seen), authorized: signed }).call(
    routes.users.byUsername,
    {
      params: { username: "a/b?c" },
    },
  );
  assert.equal(seen.url, "/api/users/by-username/a%2Fb%3Fc", "a parameter stays one path segment");

  await apiClient({ fetch: fakeFetch(200, availability, seen), authorized: signed }).call(routes.users.usernameAvailability, { query: { username: "a b&c" } });
  assert.equal(seen.url, "/api/users/username-available?username=a+b%26c");
});

test("a JSON body goes out with its content type; a route without a body sends none", async () => {
  const seen: Seen = {};
  const created = await createSession("http://h", fakeFetch(200, session, seen), { allowMultiplePhones: true });
  assert.equal(created.sessionId, session.sessionId);
  assert.equal(seen.url, "http://h/create-session");
  assert.equal(seen.init?.method, "POST");
  assert.equal(seen.init?.body, '{"allowMultiplePhones":true}');
  assert.equal(headersOf(seen)["content-type"], "application/json");

  await apiClient({ fetch: fakeFetch(204, "", seen), authorized: signed }).call(routes.contacts.declineRequest, { params: { requestId: "r" } });
  assert.equal(seen.url, "/api/contacts/requests/r/decline");
  assert.equal(seen.init?.body, undefined);
  assert.equal(headersOf(seen)["content-type"], undefined);
});

test("routes that need a sign-in carry the Bearer token; the others do not", async () => {
  const seen: Seen = {};
  await apiClient({ fetch: fakeFetch(200, availability, seen), authorized: signed }).call(routes.users.usernameAvailability, { query: { username: "ann" } });
  assert.equal(headersOf(seen).authorization, "Bearer tok");
  await apiClient({ fetch: fakeFetch(200, session, seen), authorized: signed }).call(routes.pairing.createSession, { body: {} });
  assert.equal(headersOf(seen).authorization, undefined);
  await assert.rejects(
    apiClient({ fetch: fakeFetch(200, page) }).call(routes.chats.history, { params: { chatId } }),
    (e: unknown) => e instanceof ApiError && e.code === "AUTH_REQUIRED",
  );
});

test("an upload is multipart with the route's field and the file's name; no JSON content type", async () => {
  const seen: Seen = {};
  const me = {
    id: "u",
    name: "Ann",
    username: "ann",
    bio: null,
    avatar: null,
    email: null,
    phone: null,
    createdAt: 1,
    onboarded: true,
    hideLastSeen: false,
    bioVisibility: "connections",
  };
  const answer = await apiClient({ fetch: fakeFetch(200, me, seen), authorized: signed }).call(routes.users.uploadAvatar, { file: new File(["x"], "me.png") });
  assert.equal(answer.name, "Ann");
  assert.equal(seen.init?.method, "PUT");
  const form = seen.init?.body;
  assert.ok(form instanceof FormData);
  assert.equal((form.get("file") as File).name, "me.png");
  assert.equal(headersOf(seen)["content-type"], undefined, "fetch sets the multipart boundary itself");
});

test("every answer is parsed with the route's schema: defaults applied, a malformed one refused", async () => {
  const parsed = await apiClient({ fetch: fakeFetch(200, { ...page, ignored: 1 }), authorized: signed }).call(routes.chats.history, { params: { chatId } });
  assert.deepEqual(parsed, page, "unknown fields are dropped");
  await assert.rejects(
    apiClient({ fetch: fakeFetch(200, { messages: "no" }), authorized: signed }).call(routes.chats.history, { params: { chatId } }),
    (e: unknown) => e instanceof ApiError && e.code === "BAD_RESPONSE",
  );
  await assert.rejects(createSession("", fakeFetch(200, { sessionId: "x" })), (e: unknown) => e instanceof ApiError && e.code === "BAD_RESPONSE");
  assert.equal(await apiClient({ fetch: fakeFetch(204, ""), authorized: signed }).call(routes.contacts.revokeQr), undefined);
});

test("a file route answers the bytes as a Blob", async () => {
  const fetch = () => Promise.resolve(new Response("webp", { status: 200, headers: { "content-type": "image/webp" } }));
  const blob = await apiClient({ fetch, authorized: signed }).call(routes.attachments.thumb, { params: { attachmentId: chatId } });
  assert.equal(blob.type, "image/webp");
  assert.equal(await blob.text(), "webp");
});

test("an error envelope becomes an ApiError with its code, status and typed details", async () => {
  await assert.rejects(
    createSession("", fakeFetch(429, { error: { code: "RATE_LIMITED", message: "slow down" } }, undefined, { "retry-after": "30" })),
    (e: unknown) => {
      return e instanceof ApiError && e.code === "RATE_LIMITED" && e.status === 429 && e.details("RATE_LIMITED")?.retryAfterMs === 30_000;
    },
  );
  await assert.rejects(createSession("", fakeFetch(502, "<html>")), (e: unknown) => e instanceof ApiError && e.code === "BAD_RESPONSE");
});

test("a network failure says so; an abort stays an abort", async () => {
  const failing = () => Promise.reject(new TypeError("fetch failed"));
  await assert.rejects(createSession("", failing), (e: unknown) => e instanceof ApiError && e.code === "NETWORK");
  const controller = new AbortController();
  controller.abort();
  const aborting = (_url: string, init?: RequestInit) => Promise.reject(init?.signal?.reason as Error);
  await assert.rejects(
    apiClient({ fetch: aborting, authorized: signed }).call(routes.users.usernameAvailability, { query: { username: "ann" }, signal: controller.signal }),
    (e: unknown) => e instanceof DOMException && e.name === "AbortError",
  );
});

test("the table types every call: a missing parameter, a wrong body or an unknown field does not compile", () => {
  // Only compiled, never run: each line below must fail to type-check (`tsc -p web` holds that).
  const api = apiClient();
  const compileOnly = () => {
    // @ts-expect-error -- the history of which chat?
    void api.call(routes.chats.history);
    // @ts-expect-error -- a chat id is a string
    void api.call(routes.chats.chat, { params: { chatId: 1 } });
    // @ts-expect-error -- `before` is a number
    void api.call(routes.chats.listChats, { query: { before: "soon" } });
    // @ts-expect-error -- request-code takes an email or a phone
    void api.call(routes.auth.requestCode, { body: { name: "x" } });
    // @ts-expect-error -- this route takes no body
    void api.call(routes.users.me, { body: {} });
    // @ts-expect-error -- an upload needs its file
    void api.call(routes.users.uploadAvatar, {});
    void api.call(routes.users.me);
    void api.call(routes.chats.listChats);
  };
  assert.equal(typeof compileOnly, "function");
});
