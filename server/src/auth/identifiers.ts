import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from "libphonenumber-js/max";
import type { ErrorDetails, IdentifierInput } from "@easyqr/protocol";
import type { IdentifierKind } from "../db/schema.ts";
import { AppError } from "../errors.ts";

/** Where a code goes and who signs in: a lower-case email or an E.164 phone number. */
export type Identifier = { kind: IdentifierKind; value: string };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * E.164 (`+442079460000`) from what a person typed. Numbers without a `+` are read in
 * `defaultRegion`; without one they must be international. Invalid numbers are refused.
 */
export function normalizePhone(phone: string, defaultRegion: string | undefined): string {
  const typed = phone.trim();
  const region = defaultRegion as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(typed, region);
  if (parsed?.isValid()) return parsed.number;
  const details = phoneProblem(typed, region, parsed?.countryCallingCode);
  throw new AppError("IDENTIFIER_INVALID", `This is not a valid phone number (${details.problem}).`, details);
}

/** Says what is wrong with a number that did not parse as valid, in terms of what was typed. */
function phoneProblem(typed: string, region: CountryCode | undefined, callingCode: string | undefined): ErrorDetails<"IDENTIFIER_INVALID"> {
  const international = typed.startsWith("+");
  if (!international && !region) return { problem: "needs_country_code" };
  const length = validatePhoneNumberLength(typed, region);
  const code = callingCode ? { callingCode } : {};
  if (length === "INVALID_COUNTRY") return international ? { problem: "unknown_country_code" } : { problem: "needs_country_code" };
  if (length === "TOO_SHORT" || length === "NOT_A_NUMBER") return { problem: "too_short", ...code };
  if (length === "TOO_LONG") return { problem: "too_long", ...code };
  return { problem: "invalid_number", ...code };
}

export function normalizeIdentifier(input: IdentifierInput, defaultRegion: string | undefined): Identifier {
  return "email" in input ? { kind: "email", value: normalizeEmail(input.email) } : { kind: "phone", value: normalizePhone(input.phone, defaultRegion) };
}
