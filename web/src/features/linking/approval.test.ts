import assert from "node:assert/strict";
import { test } from "node:test";
import type { LinkClaim } from "@easyqr/protocol";
import { ApiError } from "../../api/http.ts";
import { claimMatches, failureView, lastActiveText } from "./approval.ts";

const claim = {
  linkId: "l1",
  fingerprint: "f".repeat(43),
  device: { name: "Firefox on Windows", platform: "Windows" },
  userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  ip: "192.168.1.20",
  sameNetwork: true,
  requestedAt: 1,
} as LinkClaim;

test("a claim whose key is not the scanned one does not match; a typed code has nothing to compare", () => {
  assert.equal(claimMatches(claim, "f".repeat(43)), true);
  assert.equal(claimMatches(claim, "g".repeat(43)), false);
  assert.equal(claimMatches(claim, undefined), true);
});

test("each refusal gets its own screen: device limit with the devices, desktop gone, used, expired", () => {
  const device = {
    id: "d1",
    name: "Chrome on Linux",
    platform: "Linux",
    kind: "linked",
    createdAt: 1,
    lastActiveAt: 2,
    ip: null,
    current: false,
    online: false,
  };
  const limit = failureView(new ApiError("DEVICE_LIMIT", "x", 409, { devices: [device], limit: 5 }), claim);
  assert.deepEqual(limit, { kind: "limit", devices: [device], claim });
  assert.deepEqual(failureView(new ApiError("LINK_GONE", "x", 410)), { kind: "gone" });
  const used = failureView(new ApiError("LINK_ALREADY_USED", "x", 409));
  assert.ok(used.kind === "failed" && /already used/.test(used.message));
  const missing = failureView(new ApiError("LINK_NOT_FOUND", "x", 404));
  assert.ok(missing.kind === "failed" && /expired/.test(missing.message));
  assert.equal(failureView(new Error("boom")).kind, "failed");
});

test("last active reads in minutes, hours, days", () => {
  const now = 10 * 86_400_000;
  assert.equal(lastActiveText(now - 10_000, now), "active now");
  assert.equal(lastActiveText(now - 5 * 60_000, now), "active 5 min ago");
  assert.equal(lastActiveText(now - 3 * 3_600_000, now), "active 3 h ago");
  assert.equal(lastActiveText(now - 86_400_000, now), "active 1 day ago");
  assert.equal(lastActiveText(now - 4 * 86_400_000, now), "active 4 days ago");
});
