import { InviteToken, parseAppUrl } from "@easyqr/protocol";
import { paths } from "../../paths.ts";
import { deepLink } from "../session/deepLink.ts";

/** A scanned or opened group invite: `<server>/join#t=<token>`. */
export type GroupInviteLink = { token: string; server: string };

/** Reads a group invite QR or link (`https://host/join#t=…`); null for anything else, never throws. */
export function parseGroupInvite(text: string): GroupInviteLink | null {
  const link = parseAppUrl(text, "join");
  const token = InviteToken.safeParse(link && new URLSearchParams(link.fragment).get("t"));
  return link && token.success ? { token: token.data, server: link.server } : null;
}

/** An opened `/join#t=…` link: its token is kept as the payload of a deep link to the join screen (through sign-in and onboarding). */
export function keepJoinToken(href: string): boolean {
  const invite = parseGroupInvite(href);
  return invite ? deepLink.keep(paths.joinGroup, invite.token) : false;
}

/** The token of the invite that brought the person here, if any. */
export function keptJoinToken(): string | undefined {
  return deepLink.payloadFor(paths.joinGroup);
}

export function forgetJoinToken(): void {
  deepLink.forget(paths.joinGroup);
}
