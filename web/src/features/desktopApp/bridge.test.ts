import assert from "node:assert/strict";
import { test } from "node:test";
import { desktopBridge } from "./bridge.ts";

const bridge = Object.freeze({ showNotification: () => Promise.resolve(true), setBadgeCount: () => Promise.resolve() });

test("finds the bridge the desktop app's preload exposed", () => {
  assert.equal(desktopBridge({ easyqrDesktop: bridge }), bridge);
});

test("a browser has none: nothing to find, nothing thrown", () => {
  assert.equal(desktopBridge({}), undefined);
  assert.equal(desktopBridge(globalThis), undefined);
});

test("anything else under that name is not taken for the bridge", () => {
  for (const other of [
    null,
    undefined,
    42,
    "bridge",
    () => undefined,
    {},
    { showNotification: () => undefined },
    { showNotification: 1, setBadgeCount: () => undefined },
  ]) {
    assert.equal(desktopBridge({ easyqrDesktop: other }), undefined, typeof other === "function" ? "a function" : (JSON.stringify(other) ?? "undefined"));
  }
});

test("a getter under that name is not run", () => {
  let ran = false;
  const scope = Object.defineProperty({}, "easyqrDesktop", {
    get: () => {
      ran = true;
      return bridge;
    },
  });
  assert.equal(desktopBridge(scope), undefined);
  assert.equal(ran, false);
});
