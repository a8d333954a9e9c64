import { foldWord } from "@easyqr/protocol";

/** Text folded for matching names: lower case, no diacritics, spaces collapsed. */
export const foldName = (text: string) => foldWord(text).replace(/\s+/g, " ").trim();

/** Whether a person's name or username contains the typed text (folded: "jose" finds "José"; "@ann" finds the username ann). */
export function nameMatches(query: string, person: { name: string | null; username: string | null }): boolean {
  const q = foldName(query.startsWith("@") ? query.slice(1) : query);
  if (q === "") return false;
  return [person.name, person.username].some((field) => field !== null && foldName(field).includes(q));
}
