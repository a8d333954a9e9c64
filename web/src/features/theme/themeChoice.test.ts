import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemoryStorage } from "../../api/storage.ts";
import { THEME_EVENT, THEME_KEY, parseThemeChoice, saveThemeChoice, savedThemeChoice } from "./themeChoice.ts";

describe("theme choice", () => {
  test("a stored light or dark is kept; nothing, or anything else, is System", () => {
    assert.equal(parseThemeChoice("dark"), "dark");
    assert.equal(parseThemeChoice("light"), "light");
    assert.equal(parseThemeChoice(null), "system");
    assert.equal(parseThemeChoice('"dark"'), "system");
    assert.equal(parseThemeChoice("DARK"), "system");
  });

  test("saving stores a plain string (what public/theme.js reads), System removes it, and the page is told", () => {
    const storage = new MemoryStorage();
    const told: string[] = [];
    const target = new EventTarget();
    const previous = (globalThis as { window?: unknown }).window;
    (globalThis as { window?: unknown }).window = target;
    target.addEventListener(THEME_EVENT, (event) => told.push(event.type));
    try {
      saveThemeChoice("dark", storage);
      assert.equal(storage.getItem(THEME_KEY), "dark");
      assert.equal(savedThemeChoice(storage), "dark");
      saveThemeChoice("system", storage);
      assert.equal(storage.getItem(THEME_KEY), null);
      assert.equal(savedThemeChoice(storage), "system");
      assert.deepEqual(told, [THEME_EVENT, THEME_EVENT]);
    } finally {
      (globalThis as { window?: unknown }).window = previous;
    }
  });
});
