import assert from "node:assert/strict";
import { test } from "node:test";
import { originAllowed } from "./origin.ts";

const pub = "http://192.168.1.5:3000";

test("the public origin and the same host pass, others fail", () => {
  assert.equal(originAllowed("http://192.168.1.5:3000", "localhost:3000", pub), true);
  assert.equal(originAllowed("http://localhost:3000", "localhost:3000", pub), true);
  assert.equal(originAllowed(undefined, "localhost:3000", pub), true);
  assert.equal(originAllowed("http://evil.test", "localhost:3000", pub), false);
  assert.equal(originAllowed("http://localhost:3001", "localhost:3000", pub), false);
  assert.equal(originAllowed("null", "localhost:3000", pub), false);
  assert.equal(originAllowed("http://localhost:3000", undefined, pub), false);
});
