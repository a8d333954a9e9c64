import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { folderCycles, folderGraph, importsOf, noFolderCycles } from "./folderCycles.mjs";

const base = mkdtempSync(join(tmpdir(), "folder-cycles-"));
after(() => rmSync(base, { recursive: true, force: true }));

/** A source tree from `{ path: text }`. */
function tree(name, files) {
  const root = join(base, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function lint(root, path) {
  const linter = new Linter({ configType: "flat", cwd: root });
  const config = [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tseslint.parser },
      plugins: { local: { rules: { "no-folder-cycles": noFolderCycles } } },
      rules: { "local/no-folder-cycles": ["error", { root }] },
    },
  ];
  const messages = linter.verify(readFileSync(join(root, path), "utf8"), config, { filename: join(root, path) });
  return messages.map((m) => m.message);
}

test("imports are read from every form, comments aside", () => {
  const text = `import a from "./a.ts";
import type {
  B,
  C,
} from "../b/c.ts";
export { d } from "./d.ts";
export * from "./e.ts";
import "./f.ts";
const g = await import("./g.ts");
import { z } from "zod";
// import { h } from "./h.ts";
/* export * from "./i.ts"; */
const url = "https://example.com"; export const fromX = 1;`;
  assert.deepEqual(importsOf(text), ["./a.ts", "../b/c.ts", "./d.ts", "./e.ts", "./f.ts", "./g.ts"]);
});

test("two folders importing each other are a cycle, type imports and longer rings too; tests and root files are not", () => {
  const root = tree("graph", {
    "access/checks.ts": `import type { Row } from "../chat/rows.ts";`,
    "chat/rows.ts": `export type Row = {};`,
    "chat/service.ts": `import { check } from "../access/checks.ts"; import { clock } from "../clock.ts";`,
    "chat/service.test.ts": `import { x } from "../users/x.ts";`,
    "users/x.ts": `import { y } from "../presence/y.ts";`,
    "presence/y.ts": `import { z } from "../contacts/z.ts";`,
    "contacts/z.ts": `import { x } from "../users/x.ts";`,
    "clock.ts": `export const clock = 1;`,
    "app.ts": `import "./chat/service.ts"; import "./users/x.ts";`,
  });
  const pairs = folderCycles(folderGraph(root)).map(([from, to]) => `${from}→${to}`);
  assert.deepEqual(pairs.sort(), ["access→chat", "chat→access", "contacts→users", "presence→contacts", "users→presence"]);
});

test("the rule reports the import that closes a ring, with the way back, and passes one-way imports", () => {
  const root = tree("rule", {
    "access/checks.ts": `import type { Row } from "../chat/rows.ts";\nexport const check = 1;`,
    "chat/rows.ts": `export type Row = {};`,
    "chat/service.ts": `import { check } from "../access/checks.ts";\nimport { clock } from "../clock.ts";`,
    "clock.ts": `export const clock = 1;`,
  });
  assert.deepEqual(lint(root, "access/checks.ts"), [
    "access/ imports chat/, which imports it back (access → chat → access). Move the shared part where both can import it, or pass it in.",
  ]);
  assert.equal(lint(root, "chat/service.ts").length, 1);
  assert.deepEqual(lint(root, "clock.ts"), []);
});
