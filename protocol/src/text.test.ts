import assert from "node:assert/strict";
import { test } from "node:test";
import * as z from "zod/mini";
import * as protocol from "./index.ts";
import { DisplayName, Emoji, MessageText, personText } from "./index.ts";

type Def = {
  type: string;
  format?: string;
  checks?: { _zod: { def: { check: string; format?: string; abort?: boolean } } }[];
  in?: z.ZodMiniType;
  out?: z.ZodMiniType;
  innerType?: z.ZodMiniType;
  element?: z.ZodMiniType;
  shape?: Record<string, z.ZodMiniType>;
  options?: z.ZodMiniType[];
  valueType?: z.ZodMiniType;
};
const defOf = (schema: z.ZodMiniType) => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def) => (def.checks ?? []).map((c) => c._zod.def);

/** Regexes of fixed length that fail at the first wrong character: cheap on any input. */
const cheapFormats = new Set(["uuid", "guid"]);
const lengthChecks = new Set(["max_length", "min_length", "length_equals"]);

function boundedFirst(def: Def): boolean {
  const first = checksOf(def)[0];
  return first !== undefined && (first.check === "max_length" || first.check === "length_equals") && first.abort === true;
}

/** A pipe whose input is a bounded string never runs its output on an unbounded one. */
function boundsItsInput(schema: z.ZodMiniType): boolean {
  const def = defOf(schema);
  if (def.type === "string") return boundedFirst(def);
  return def.type === "pipe" && def.in !== undefined && boundsItsInput(def.in);
}

/** Lists every place in `schema` where costly work could run on input of unchecked length. */
function audit(schema: z.ZodMiniType, path: string, input: boolean, problems: string[], seen = new Set<z.ZodMiniType>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = defOf(schema);
  const walk = (child: z.ZodMiniType | undefined, where: string, walkInput = input) => child && audit(child, where, walkInput, problems, seen);
  switch (def.type) {
    case "string": {
      const checks = checksOf(def);
      const costly =
        (def.format !== undefined && !cheapFormats.has(def.format)) || checks.some((c) => !lengthChecks.has(c.check) && !cheapFormats.has(c.format ?? ""));
      if (costly && !boundedFirst(def)) problems.push(`${path}: a regex, refinement or transform runs before the length is checked (start with bounded())`);
      if (
        input &&
        !checks.some((c) => c.check === "max_length" || c.check === "length_equals") &&
        !(def.format && cheapFormats.has(def.format)) &&
        !checks.some((c) => cheapFormats.has(c.format ?? ""))
      ) {
        problems.push(`${path}: a string a client sends has no maximum length`);
      }
      return;
    }
    case "pipe":
      if (def.out && defOf(def.out).type === "transform" && !(def.in && boundsItsInput(def.in))) {
        problems.push(`${path}<in>: a transform runs before the length is checked (start with bounded())`);
      }
      walk(def.in, `${path}<in>`);
      if (def.in && boundsItsInput(def.in)) return;
      walk(def.out, `${path}<out>`);
      return;
    case "array":
      if (input && !checksOf(def).some((c) => c.check === "max_length")) problems.push(`${path}: an array a client sends has no maximum length`);
      walk(def.element, `${path}[]`);
      return;
    case "object":
      for (const [key, child] of Object.entries(def.shape ?? {})) walk(child, `${path}.${key}`);
      return;
    case "union":
      (def.options ?? []).forEach((option, i) => walk(option, `${path}|${i}`));
      return;
    case "record":
      walk(def.valueType, `${path}{}`);
      return;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      walk(def.innerType, path);
      return;
  }
}

/** What clients send: socket frames, handshakes, REST bodies, queries and params, QR payloads. */
const isInput = (name: string) => /(Request|Query|Params|Frame|Hello|Handshake|Input|Payload)$/.test(name) && !serverMade.has(name);
/** Named like inputs, but only the server makes them. */
const serverMade = new Set(["ContactRequest", "JoinRequest"]);

test("no schema in the protocol runs a regex, refinement or transform on a string before bounding its length", () => {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(protocol)) {
    if (value && typeof value === "object" && "_zod" in value) audit(value, name, isInput(name), problems);
  }
  // What every route takes, named or not, is input.
  for (const { domain, name, route } of protocol.routeList(protocol.routes)) {
    for (const part of ["params", "query", "body"] as const) {
      const schema = route[part];
      if (schema) audit(schema, `routes.${domain}.${name}.${part}`, true, problems);
    }
  }
  assert.deepEqual(problems, []);
});

test("the audit catches an unbounded regex, an unbounded input and an unbounded array", () => {
  const problems: string[] = [];
  audit(z.string().check(z.maxLength(32), z.regex(/^a+$/)), "late-bound", false, problems);
  audit(z.object({ text: z.string() }), "unbounded", true, problems);
  audit(z.array(z.number()), "list", true, problems);
  audit(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s) => s.trim()),
      ),
      z.string().check(z.maxLength(3)),
    ),
    "transformed",
    false,
    problems,
  );
  assert.deepEqual(
    problems.map((p) => p.split(":")[0]),
    ["late-bound", "unbounded.text", "list", "transformed<in><in>"],
  );
});

test("a 60 KB reaction is refused by its length alone", () => {
  const result = Emoji.safeParse("👍".repeat(15_000));
  // One issue: the checks after the bound (regex, segmenter) never ran.
  assert.deepEqual(
    result.error?.issues.map((i) => i.code),
    ["too_big"],
  );
});

test("person text refuses control characters and lone surrogates, keeps tabs and line breaks where allowed", () => {
  const name = personText("a name", 64);
  assert.equal(name.safeParse("Ada\u0000").success, false);
  assert.equal(name.safeParse("Ada\nLovelace").success, false);
  assert.equal(name.safeParse("Ada\u0085").success, false);
  assert.equal(name.safeParse("Ada\ud800").success, false);
  assert.equal(name.safeParse("Ada 😀 \u202eevil").success, true);
  assert.equal(MessageText.safeParse("line 1\n\tline 2").success, true);
  assert.equal(MessageText.safeParse("carriage\r").success, false);
  assert.match(DisplayName.safeParse("a\u0000b").error?.issues[0]?.message ?? "", /control character/);
});
