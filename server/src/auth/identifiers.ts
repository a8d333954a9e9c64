import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import type { IdentifierInput } from "@easyqr/protocol";
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
  const parsed = parsePhoneNumberFromString(phone.trim(), defaultRegion as CountryCode | undefined);
  if (!parsed?.isValid()) {
    const hint = defaultRegion ? "" : " Start with + and the country code.";
    throw new AppError("IDENTIFIER_INVALID", `This is not a valid phone number.${hint}`);
  }
  return parsed.number;
}

export function normalizeIdentifier(input: IdentifierInput, defaultRegion: string | undefined): Identifier {
  return "email" in input ? { kind: "email", value: normalizeEmail(input.email) } : { kind: "phone", value: normalizePhone(input.phone, defaultRegion) };
}
