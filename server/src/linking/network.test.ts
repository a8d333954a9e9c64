import assert from "node:assert/strict";
import { test } from "node:test";
import { displayIp } from "../clientIp.ts";
import { sameNetwork } from "./network.ts";

test("the same address is the same network, public or private", () => {
  assert.ok(sameNetwork("203.0.113.7", "203.0.113.7"));
  assert.ok(sameNetwork("::ffff:203.0.113.7", "203.0.113.7"));
  assert.ok(sameNetwork("2001:db8::1", "2001:0db8:0:0::1"));
});

test("private addresses in one /24 or /64 are one network", () => {
  assert.ok(sameNetwork("192.168.1.4", "192.168.1.200"));
  assert.ok(sameNetwork("10.0.0.1", "::ffff:10.0.0.9"));
  assert.ok(sameNetwork("fd00:1:2:3::a", "fd00:1:2:3:ffff::b"));
  assert.ok(sameNetwork("127.0.0.1", "127.0.0.2"));
});

test("other subnets, public neighbours, mixed families and garbage are not", () => {
  assert.equal(sameNetwork("192.168.1.4", "192.168.2.4"), false);
  assert.equal(sameNetwork("203.0.113.7", "203.0.113.8"), false, "public neighbours are different people");
  assert.equal(sameNetwork("fd00:1:2:3::a", "fd00:1:2:4::a"), false);
  assert.equal(sameNetwork("192.168.1.4", "fd00::1"), false);
  assert.equal(sameNetwork("unknown", "unknown"), false);
  assert.equal(sameNetwork("", ""), false);
});

test("an IPv4-mapped address is shown as IPv4; anything else as it came", () => {
  assert.equal(displayIp("::ffff:192.168.1.4"), "192.168.1.4");
  assert.equal(displayIp("2001:db8::1"), "2001:db8::1");
  assert.equal(displayIp("unknown"), "unknown");
});
