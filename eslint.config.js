import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { noFolderCycles } from "./scripts/folderCycles.mjs";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "data/**", "bench/results/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
      "@typescript-eslint/no-floating-promises": [
        "error",
        { allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["test", "describe", "it", "suite"] }] },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "no-restricted-syntax": ["error", { selector: "TSEnumDeclaration", message: "Use a union or z.enum, not enum." }],
    },
  },
  {
    files: ["web/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // The contract imports nothing but zod: no I/O, no server or browser code.
    files: ["protocol/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["node:*", "@easyqr/server", "@easyqr/web", "react"] }] },
  },
  {
    // Clients talk to the server over the network only.
    files: ["web/**/*.{ts,tsx}", "desktop-app/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["@easyqr/server", "**/server/src/**"] }] },
  },
  {
    // Hand-written SQL runs in the chat store only (ADR 0003, amended): only it and db/ touch the drivers.
    files: ["server/src/**/*.ts"],
    ignores: ["server/src/db/**", "server/src/chat/store/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["better-sqlite3", "pg"].map((name) => ({ name, message: "Use Kysely (db/), or the chat store for the message path (ADR 0003)." })),
        },
      ],
    },
  },
  {
    // access/ is imported by every service and imports none of them (only db/ types and shared leaf files).
    files: ["server/src/access/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["better-sqlite3", "pg"].map((name) => ({ name, message: "Use Kysely (db/)." })),
          patterns: [{ group: ["../*/*", "!../db/*"], message: "access/ imports no service: pass what it needs in, or move the rule here." }],
        },
      ],
    },
  },
  {
    // No folder imports one that imports it back (scripts/folderCycles.mjs).
    files: ["server/src/**/*.ts"],
    plugins: { local: { rules: { "no-folder-cycles": noFolderCycles } } },
    rules: { "local/no-folder-cycles": ["error", { root: `${import.meta.dirname}/server/src` }] },
  },
  {
    // The same for web/src.
    files: ["web/src/**/*.{ts,tsx}"],
    plugins: { local: { rules: { "no-folder-cycles": noFolderCycles } } },
    rules: { "local/no-folder-cycles": ["error", { root: `${import.meta.dirname}/web/src` }] },
  },
  // The web client's folders import one way: pages → features → realtime → api (components and
  // paths.ts from features and pages). Each block repeats the network rule: a later block replaces it.
  ...[
    { folder: "api", below: ["realtime", "features", "components", "pages"] },
    { folder: "realtime", below: ["features", "components", "pages"] },
    { folder: "components", below: ["features", "realtime", "pages"] },
    { folder: "features", below: ["pages"] },
  ].map(({ folder, below }) => ({
    files: [`web/src/${folder}/**/*.{ts,tsx}`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@easyqr/server", "**/server/src/**"], message: "Clients talk to the server over the network only." },
            ...below.map((other) => ({ group: [`**/${other}/**`], message: `web/src/${folder} does not import ${other}/ (ARCHITECTURE.md, The web client).` })),
          ],
        },
      ],
    },
  })),
  { files: ["**/*.{js,mjs,cjs}"], ...tseslint.configs.disableTypeChecked },
);
