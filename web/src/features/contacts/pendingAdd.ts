import { parseContactQr } from "@easyqr/protocol";
import { paths } from "../../paths.ts";
import { deepLink } from "../session/deepLink.ts";

/** An opened `/add#t=…` link: its token is kept as the payload of a deep link to the add screen. */
export function keepAddToken(href: string): boolean {
  const payload = parseContactQr(href);
  return payload ? deepLink.keep(paths.addContact, payload.token) : false;
}

/** The token of the add link that brought the user here, if any (it may have expired since: the preview says so). */
export function keptAddToken(): string | undefined {
  return deepLink.payloadFor(paths.addContact);
}

export function forgetAddToken(): void {
  deepLink.forget(paths.addContact);
}
