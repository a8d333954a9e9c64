import { MAX_TEXT_CHARS } from "@easyqr/protocol";

/** The composer shows its counter from this many characters on, so the limit never comes as a surprise. */
export const COUNT_FROM = 3_500;

const number = new Intl.NumberFormat("en");

export type LengthNote = { text: string; over: number };

/** The counter for a message of this length (UTF-16 units, as the protocol counts), or nothing while far from the limit. */
export function lengthNote(length: number): LengthNote | undefined {
  if (length < COUNT_FROM) return undefined;
  const count = `${number.format(length)} / ${number.format(MAX_TEXT_CHARS)}`;
  const over = Math.max(0, length - MAX_TEXT_CHARS);
  if (!over) return { text: count, over };
  return { text: `${count} · ${number.format(over)} character${over === 1 ? "" : "s"} over the limit`, over };
}
