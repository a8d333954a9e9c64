import * as z from "zod/mini";

/**
 * Strings from clients, bounded before anything costly runs. Zod keeps checking after a failed
 * check unless it aborts, so a 60 KB "emoji" would still reach a regex or `Intl.Segmenter`; every
 * string schema with a regex, refinement or transform starts with `bounded` (a unit test walks the
 * protocol to hold that).
 */
export function bounded(max: number, message = `at most ${max} characters`): z.ZodMiniString<string> {
  return z.string().check(z.maxLength(max, { abort: true, message }));
}

/** C0 and C1 control characters and DEL. PostgreSQL cannot store U+0000 in text at all. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but tab and newline are allowed. */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** A UTF-16 surrogate without its pair: not a character, and not storable as UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Text a person typed: at most `max` characters (UTF-16 units), well-formed Unicode, no control
 * characters (`lines`: tab and newline allowed). `what` names the field in error messages.
 */
export function personText(what: string, max: number, options: { lines?: boolean } = {}): z.ZodMiniString<string> {
  const control = options.lines ? CONTROL_BUT_LINES : CONTROL;
  return bounded(max, `${what} is at most ${max} characters`).check(
    z.refine((text) => !control.test(text), {
      message: `${what} contains a control character${options.lines ? " (only tab and line breaks are allowed)" : ""}`,
      abort: true,
    }),
    z.refine((text) => !LONE_SURROGATE.test(text), { message: `${what} contains an invalid character (a lone surrogate)`, abort: true }),
  );
}

/** An opaque id or token of URL-safe characters (base64url, UUID, ULID …). */
export function opaqueId(max: number, message = "not a valid id"): z.ZodMiniString<string> {
  return bounded(max, message).check(z.regex(/^[A-Za-z0-9_-]+$/, message));
}
