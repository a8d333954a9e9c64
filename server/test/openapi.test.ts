import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { routeList, routes } from "@easyqr/protocol";
import { startServer, type TestServer } from "./support/harness.ts";

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

type Operation = {
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
  parameters: { name: string; in: string }[];
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

describe("OpenAPI", () => {
  test("/api/openapi.json documents every route from the protocol schemas", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    assert.equal(response.status, 200);
    const doc = (await response.json()) as Document;
    assert.equal(doc.openapi, "3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    for (const route of [
      "GET /health",
      "POST /create-session",
      "POST /api/auth/request-code",
      "POST /api/auth/verify-code",
      "POST /api/auth/refresh",
      "POST /api/auth/logout",
      "GET /api/users/me",
      "PATCH /api/users/me",
      "DELETE /api/users/me",
      "POST /api/users/me/identifier",
      "POST /api/users/me/identifier/verify",
      "GET /api/users/username-available",
      "GET /api/users/by-username/{username}",
      "PUT /api/users/me/avatar",
      "DELETE /api/users/me/avatar",
      "GET /api/media/avatars/{file}",
      "POST /api/contacts/qr",
      "DELETE /api/contacts/qr",
      "POST /api/contacts/qr/preview",
      "POST /api/contacts/requests",
      "GET /api/contacts/requests",
      "POST /api/contacts/requests/{requestId}/accept",
      "POST /api/contacts/requests/{requestId}/decline",
      "DELETE /api/contacts/requests/{requestId}",
      "GET /api/contacts/connections",
      "GET /api/contacts/connections/{userId}",
      "DELETE /api/contacts/connections/{userId}",
      "GET /api/contacts/blocks",
      "PUT /api/contacts/blocks/{userId}",
      "DELETE /api/contacts/blocks/{userId}",
    ]) {
      assert.ok(documented.includes(route), `${route} is documented`);
    }
    assert.equal(documented.length, routeList(routes).length);
    for (const { domain, name, route } of routeList(routes)) {
      const operation = doc.paths[route.path.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()];
      assert.ok(operation, `${domain}.${name} is documented`);
      assert.equal((operation as { operationId?: string }).operationId, `${domain}.${name}`);
      if (route.auth) assert.deepEqual(operation.security, [{ bearer: [] }], `${domain}.${name} needs a sign-in`);
    }

    const verify = doc.paths["/api/auth/verify-code"]?.post;
    const body = verify?.requestBody?.content["application/json"]?.schema as { properties: Record<string, { pattern?: string }>; required: string[] };
    assert.deepEqual(body.required.sort(), ["code", "requestId"]);
    assert.equal(body.properties.code?.pattern, "^[0-9]{6}$");
    assert.ok(verify?.responses["200"] && verify.responses["400"] && verify.responses["429"]);
    assert.equal(verify?.security, undefined);
    assert.deepEqual(doc.paths["/api/users/me"]?.get?.security, [{ bearer: [] }]);
    assert.ok(doc.paths["/api/users/me/avatar"]?.put?.requestBody?.content["multipart/form-data"]);
    assert.deepEqual(
      doc.paths["/api/users/username-available"]?.get?.parameters.map((p) => [p.name, p.in]),
      [["username", "query"]],
    );
    assert.ok(doc.components.schemas.ErrorEnvelope);
    assert.ok(doc.components.schemas["ErrorDetails.RATE_LIMITED"], "the data of an error is documented per code");
  });

  test("every route that reads the database (or Redis) documents UNAVAILABLE under 503: the store out of reach, retry later", async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as Document;
    // /health answers 503 in its own shape; an avatar file is read from storage, not the database.
    const storeFree = new Set(["GET /health", "GET /api/media/avatars/:file"]);
    for (const { domain, name, route } of routeList(routes)) {
      const unavailable = doc.paths[route.path.replace(/:(\w+)/g, "{$1}")]?.[route.method.toLowerCase()]?.responses["503"] as
        { description: string } | undefined;
      if (storeFree.has(`${route.method} ${route.path}`)) assert.equal(unavailable, undefined, `${domain}.${name}`);
      else assert.match(unavailable?.description ?? "", /\bUNAVAILABLE \(data: ErrorDetails\.UNAVAILABLE\)/, `${domain}.${name}`);
    }
    assert.ok(doc.components.schemas["ErrorDetails.UNAVAILABLE"], "its retryAfterMs is documented");
  });

  test("the server registered exactly the routes of the protocol's table, each where the table says", () => {
    const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
    assert.deepEqual(
      server.app.router.registered.map(key),
      routeList(routes).map(({ route }) => key(route)),
    );
    for (const { route } of routeList(routes)) assert.ok(server.app.http.hasRoute({ method: route.method, url: route.path }), key(route));
  });

  test("/api/docs is a page listing the routes", async () => {
    const response = await fetch(`${server.url}/api/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/html/);
    const html = await response.text();
    assert.ok(html.includes("/api/auth/request-code") && html.includes("/api/openapi.json"));
  });
});
