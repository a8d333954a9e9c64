import assert from "node:assert/strict";
import { test } from "node:test";
import { browserOf, deviceInfo, isPhoneLike, platformOf } from "./device.ts";

test("phones get a name a person recognises", () => {
  assert.deepEqual(deviceInfo("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"), {
    name: "Chrome on Pixel 8",
    platform: "Android",
  });
  assert.deepEqual(deviceInfo("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"), {
    name: "Chrome on Android",
    platform: "Android",
  });
  assert.deepEqual(
    deviceInfo("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"),
    { name: "Safari on iPhone", platform: "iOS" },
  );
  assert.deepEqual(deviceInfo("Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0 Safari/537.36"), {
    name: "Chrome on Linux",
    platform: "Linux",
  });
});

test("anything else still fits the protocol's limits", () => {
  const info = deviceInfo("");
  assert.deepEqual(info, { name: "Browser on Unknown", platform: "Unknown" });
  assert.ok(deviceInfo(`Mozilla/5.0 (Linux; Android 14; ${"X".repeat(200)}) Chrome/1`).name.length <= 64);
});

test("a desktop names its browser and system for the phone that approves it", () => {
  const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
  assert.equal(browserOf(firefox), "Firefox");
  assert.equal(platformOf(firefox), "Windows");
  assert.deepEqual(deviceInfo(firefox), { name: "Firefox on Windows", platform: "Windows" });
  const app = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) EasyQR/0.1.0 Chrome/130.0 Electron/33.0.0 Safari/537.36";
  assert.deepEqual(deviceInfo(app), { name: "EasyQR Desktop on macOS", platform: "macOS" });
  assert.equal(browserOf("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0"), "Edge");
});

test("wording fits the device: phones by their user agent, or a touch screen with no fine pointer", () => {
  const pixel = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
  const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
  const linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
  assert.equal(isPhoneLike(pixel, false), true);
  assert.equal(isPhoneLike(iphone, false), true);
  assert.equal(isPhoneLike(linux, false), false);
  assert.equal(isPhoneLike(linux, true), true, "a touch-only screen");
});
