import type { IdentifierKind, OtpPurpose } from "../../db/schema.ts";

/** One code to deliver to an email address or a phone number. */
export type OtpMessage = { kind: IdentifierKind; to: string; code: string; purpose: OtpPurpose; ttlMinutes: number };

/** Sends codes. A driver throws when it could not hand the message over. */
export type OtpDelivery = {
  readonly name: string;
  send(message: OtpMessage): Promise<void>;
  close(): void;
};

export function messageText(message: OtpMessage): string {
  const what = message.purpose === "sign_in" ? "sign-in" : "confirmation";
  return `${message.code} is your EasyQR ${what} code. It expires in ${message.ttlMinutes} minutes. Do not share it.`;
}
