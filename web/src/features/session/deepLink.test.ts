import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStorage } from "../../api/storage.ts";
import { DEEP_LINK_MAX_AGE_MS, deepLinks } from "./deepLink.ts";

function setup() {
  let now = 1_000;
  const links = deepLinks(new MemoryStorage(), () => now);
  return { links, advance: (ms: number) => (now += ms) };
}

test("a link with a payload steers sign-in to its page until the page is reached; the payload stays until the page forgets it", () => {
  const { links } = setup();
  assert.equal(links.keep("/home/add", "tok"), true);
  assert.equal(links.destination(), "/home/add");
  // Signing in and onboarding redirect through private routes: the same page keeps its payload.
  links.keepDestination("/home/add");
  assert.equal(links.payloadFor("/home/add"), "tok");
  links.arrive("/home");
  assert.equal(links.destination(), "/home/add", "another page is not the link's");
  links.arrive("/home/add");
  assert.equal(links.destination(), undefined, "reached: sign-in is no longer steered");
  assert.equal(links.payloadFor("/home/add"), "tok");
  assert.equal(links.payloadFor("/settings"), undefined);
  links.forget("/settings");
  assert.equal(links.payloadFor("/home/add"), "tok", "only the link's own page forgets it");
  links.forget("/home/add");
  assert.equal(links.payloadFor("/home/add"), undefined);
});

test("a private page opened signed out is a deep link without payload; a new one replaces the old", () => {
  const { links } = setup();
  links.keep("/home/add", "tok");
  links.keepDestination("/settings");
  assert.equal(links.destination(), "/settings");
  assert.equal(links.payloadFor("/home/add"), undefined);
});

test("only the app's own private paths are kept (no open redirect), and a link is dropped after its time", () => {
  const { links, advance } = setup();
  assert.equal(links.keep("https://evil.example/home"), false);
  assert.equal(links.keep("//evil.example/home"), false);
  links.keepDestination("/sign-in");
  assert.equal(links.destination(), undefined);
  links.keep("/home/add", "tok");
  advance(DEEP_LINK_MAX_AGE_MS - 1);
  assert.equal(links.payloadFor("/home/add"), "tok");
  advance(1);
  assert.equal(links.destination(), undefined);
  assert.equal(links.payloadFor("/home/add"), undefined);
});
