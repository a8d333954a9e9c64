import { Username } from "@easyqr/protocol";

export type Availability =
  | { kind: "empty" }
  | { kind: "invalid"; text: string }
  | { kind: "own"; text: string }
  | { kind: "checking"; text: string }
  | { kind: "available"; text: string }
  | { kind: "taken"; text: string }
  | { kind: "unknown"; text: string };

export const RULE = "3–32 letters, digits or _ (no spaces).";

/** What is known about a typed username without asking the server. */
export function localAvailability(typed: string, own: string | null | undefined): { username: string } | Availability {
  if (typed.trim() === "") return { kind: "empty" };
  const parsed = Username.safeParse(typed);
  if (!parsed.success) return { kind: "invalid", text: `A username is ${RULE}` };
  if (own && parsed.data === own.toLowerCase()) return { kind: "own", text: "This is your username." };
  return { username: parsed.data };
}
