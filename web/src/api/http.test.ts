import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError, call, httpClient } from "./http.ts";

const session = {
  sessionId: "7d3c6f4e-2a1b-4c5d-8e9f-0a1b2c3d4e5f",
  token: "t",
  desktopToken: "d",
  status: "PENDING",
  createdAt: 1,
  expiresAt: 2,
  qr: { url: "http://h/pair#sid=x&t=t", token: "t", code: "ABCD2345", expiresAt: 2, rotatesAt: 1 },
};

function fakeFetch(status: number, body: unknown, seen?: { url?: string; init?: RequestInit }) {
  return (url: string, init?: RequestInit) => {
    if (seen) Object.assign(seen, { url, init });
    return Promise.resolve(new Response(status === 204 ? null : typeof body === "string" ? body : JSON.stringify(body), { status }));
  };
}

test("createSession posts JSON and returns the parsed session", async () => {
  const seen: { url?: string; init?: RequestInit } = {};
  const result = await httpClient("http://h", fakeFetch(200, session, seen)).createSession({ allowMultiplePhones: true });
  assert.equal(result.sessionId, session.sessionId);
  assert.equal(seen.url, "http://h/create-session");
  assert.equal(seen.init?.body, '{"allowMultiplePhones":true}');
});

test("an error envelope becomes an ApiError with its code", async () => {
  const body = { error: { code: "RATE_LIMITED", message: "slow down" } };
  await assert.rejects(httpClient("", fakeFetch(429, body)).createSession(), (e: unknown) => {
    return e instanceof ApiError && e.code === "RATE_LIMITED" && e.status === 429;
  });
});

test("a malformed success or error body is refused, not trusted", async () => {
  await assert.rejects(httpClient("", fakeFetch(200, { sessionId: "x" })).createSession(), (e: unknown) => e instanceof ApiError && e.code === "BAD_RESPONSE");
  await assert.rejects(httpClient("", fakeFetch(502, "<html>")).createSession(), (e: unknown) => e instanceof ApiError && e.code === "BAD_RESPONSE");
});

test("a network failure says so", async () => {
  const failing = () => Promise.reject(new TypeError("fetch failed"));
  await assert.rejects(httpClient("", failing).createSession(), (e: unknown) => e instanceof ApiError && e.code === "NETWORK");
});

test("an error's data reaches the client, and Retry-After fills in a missing retryAfterMs", async () => {
  const invalid = { error: { code: "AUTH_CODE_INVALID", message: "no", data: { attemptsLeft: 2 } } };
  await assert.rejects(
    call(fakeFetch(400, invalid), "/x", { method: "POST", body: {} }),
    (e: unknown) => e instanceof ApiError && e.code === "AUTH_CODE_INVALID" && e.data?.attemptsLeft === 2,
  );
  const limited = () => Promise.resolve(new Response(JSON.stringify({ error: { code: "RATE_LIMITED", message: "slow" } }), { status: 429, headers: { "retry-after": "30" } }));
  await assert.rejects(call(limited, "/x", { method: "GET" }), (e: unknown) => e instanceof ApiError && e.data?.retryAfterMs === 30_000);
});

test("an empty 2xx is undefined; FormData goes out as is, JSON with its content type", async () => {
  const seen: { url?: string; init?: RequestInit } = {};
  assert.equal(await call(fakeFetch(204, ""), "/x", { method: "POST" }), undefined);
  const form = new FormData();
  form.set("file", new Blob(["x"]), "a.png");
  await call(fakeFetch(200, {}, seen), "/x", { method: "PUT", body: form });
  assert.equal(seen.init?.body, form);
  assert.equal((seen.init?.headers as Record<string, string>)["content-type"], undefined);
});
