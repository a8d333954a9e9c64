import assert from "node:assert/strict";
import { test } from "node:test";
import * as z from "zod/mini";
import { avatarOf, routeList, routes } from "./index.ts";
import { queryString, routePath, routeUrl } from "./url.ts";

const list = routeList(routes);

test("every route is listed once by method and path", () => {
  const keys = list.map(({ route }) => `${route.method} ${route.path}`);
  assert.equal(new Set(keys).size, keys.length);
});

test("a route's path parameters are exactly the keys of its params schema", () => {
  for (const { domain, name, route } of list) {
    const inPath = [...route.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]).sort();
    const inSchema = route.params instanceof z.ZodMiniObject ? Object.keys(route.params.shape).sort() : [];
    assert.deepEqual(inPath, inSchema, `${domain}.${name}`);
  }
});

test("a route takes at most one kind of body and answers in one way; GET and DELETE take none", () => {
  for (const { domain, name, route } of list) {
    assert.ok(!(route.body && route.upload), `${domain}.${name}: JSON or multipart, not both`);
    assert.ok(!(route.response && route.file), `${domain}.${name}: JSON or a file, not both`);
    if (route.method === "GET" || route.method === "DELETE") assert.ok(!route.body && !route.upload, `${domain}.${name}: no body on ${route.method}`);
    if (route.auth) assert.ok(route.errors?.includes("AUTH_REQUIRED"), `${domain}.${name}: documents AUTH_REQUIRED`);
  }
});

test("path parameters are filled in and percent-encoded as one segment", () => {
  assert.equal(routePath(routes.chats.history, { chatId: "5f0c6a0e-1b2c-4d3e-8f90-a1b2c3d4e5f6" }), "/api/chats/5f0c6a0e-1b2c-4d3e-8f90-a1b2c3d4e5f6/messages");
  assert.equal(routePath(routes.users.byUsername, { username: "a/b?c#d e%" }), "/api/users/by-username/a%2Fb%3Fc%23d%20e%25");
  assert.equal(routePath(routes.users.byUsername, { username: "ünï" }), "/api/users/by-username/%C3%BCn%C3%AF");
  assert.equal(routePath(routes.users.me), "/api/users/me");
});

test("a missing, empty or dot path parameter throws instead of calling another route", () => {
  assert.throws(() => routePath(routes.chats.chat, {}), /chatId/);
  assert.throws(() => routePath(routes.chats.chat, { chatId: "" }), /chatId/);
  assert.throws(() => routePath(routes.chats.chat, { chatId: ".." }), /chatId/);
  assert.throws(() => routePath(routes.chats.chat, { chatId: "." }), /chatId/);
});

test("the query string leaves out undefined values and encodes the rest", () => {
  assert.equal(queryString(undefined), "");
  assert.equal(queryString({ before: undefined }), "");
  assert.equal(queryString({ before: 5, limit: 20 }), "?before=5&limit=20");
  assert.equal(queryString({ username: "a b&c=d" }), "?username=a+b%26c%3Dd");
  assert.equal(queryString({ on: true, ids: ["x", "y"] }), "?on=true&ids=x&ids=y");
  assert.equal(routeUrl(routes.chats.history, { params: { chatId: "c" }, query: { after: 0 } }), "/api/chats/c/messages?after=0");
});

test("a query the server parses back gives what the client meant", () => {
  const url = new URL(`http://x${routeUrl(routes.chats.history, { params: { chatId: "c" }, query: { before: 12, limit: 30 } })}`);
  assert.deepEqual(routes.chats.history.query.parse(Object.fromEntries(url.searchParams)), { before: 12, limit: 30 });
});

test("an avatar's URLs are the avatar file route's", () => {
  assert.deepEqual(avatarOf("abc"), { url: "/api/media/avatars/abc.webp", thumbUrl: "/api/media/avatars/abc-thumb.webp" });
  assert.equal(avatarOf(null), null);
});
