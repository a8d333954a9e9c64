import { IdentifierInput, OTP_LENGTH, type ErrorDetails } from "@easyqr/protocol";

export type IdentifierKind = "email" | "phone";

export type IdentifierCheck = { ok: true; value: IdentifierInput } | { ok: false; message: string };

const problems: Record<IdentifierKind, { empty: string; invalid: string }> = {
  email: { empty: "Enter your email address.", invalid: "Enter an email address like name@example.com." },
  phone: { empty: "Enter your phone number.", invalid: "A phone number has only digits, spaces and a + in front, like +44 20 7946 0000." },
};

/** What is wrong with a typed phone number the protocol's schema refuses, in its terms. */
function localPhoneProblem(text: string): string {
  const digits = text.replace(/\D/g, "").length;
  if (/^\+?[0-9 ()./-]+$/.test(text) && digits < 3) return "That number is too short. Type all of it, with the country code.";
  if (text.length > 32) return "That is too long for a phone number.";
  return problems.phone.invalid;
}

/** Checks what was typed with the protocol's own schema, before anything is sent. */
export function checkIdentifier(kind: IdentifierKind, text: string): IdentifierCheck {
  if (text.trim() === "") return { ok: false, message: problems[kind].empty };
  const parsed = IdentifierInput.safeParse(kind === "email" ? { email: text } : { phone: text.trim() });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, message: kind === "phone" ? localPhoneProblem(text.trim()) : problems.email.invalid };
}

/** The server's word on a phone number it refused (IDENTIFIER_INVALID's data), about what was typed. */
export function phoneProblemText(details: ErrorDetails<"IDENTIFIER_INVALID"> | undefined): string {
  const code = details?.callingCode ? ` for +${details.callingCode}` : "";
  switch (details?.problem) {
    case "too_short":
      return `That number is too short${code}: a digit may be missing.`;
    case "too_long":
      return `That number has too many digits${code}.`;
    case "unknown_country_code":
      return "That number does not start with a country code we know. Check the digits after the +.";
    case "needs_country_code":
      return "Start with + and your country code, like +44 for the UK or +1 for the US.";
    case "invalid_number":
      return `That is not a phone number in use${code}. Check the digits after the country code.`;
    default:
      return "That phone number does not look right. Check the digits.";
  }
}

/** How the identifier reads in "We sent a code to …". */
export function identifierLabel(value: IdentifierInput): string {
  return "email" in value ? value.email.toLowerCase() : value.phone;
}

/**
 * The digits of a code from what was typed or pasted ("123 456", "Your code: 123456."):
 * a group of six digits (spaces or dashes between them allowed) if there is one, else every digit.
 */
export function codeDigits(text: string): string {
  const group = new RegExp(`(?:\\d[\\s-]?){${OTP_LENGTH - 1}}\\d`).exec(text);
  return (group ? group[0] : text).replace(/\D/g, "").slice(0, OTP_LENGTH);
}
