import { IdentifierInput, OTP_LENGTH } from "@easyqr/protocol";

export type IdentifierKind = "email" | "phone";

export type IdentifierCheck = { ok: true; value: IdentifierInput } | { ok: false; message: string };

const problems: Record<IdentifierKind, { empty: string; invalid: string }> = {
  email: { empty: "Enter your email address.", invalid: "Enter an email address like name@example.com." },
  phone: { empty: "Enter your phone number.", invalid: "Enter a phone number of digits, like +44 20 7946 0000." },
};

/** Checks what was typed with the protocol's own schema, before anything is sent. */
export function checkIdentifier(kind: IdentifierKind, text: string): IdentifierCheck {
  if (text.trim() === "") return { ok: false, message: problems[kind].empty };
  const parsed = IdentifierInput.safeParse(kind === "email" ? { email: text } : { phone: text.trim() });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: problems[kind].invalid };
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
