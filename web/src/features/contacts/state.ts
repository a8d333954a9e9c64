import { atom } from "jotai";
import { contactsApi } from "../../api/contacts.ts";
import type { ConnectionState } from "../../api/connection.ts";
import { authSession } from "../session/state.ts";
import type { ContactsState } from "./contactsState.ts";
import type { ContactsSync } from "./contactsSync.ts";

export const contacts = contactsApi(authSession);

/** The lists, live; undefined until the first fetch after the socket opened. */
export const contactsAtom = atom<ContactsState | undefined>(undefined);

/** The state of the signed-in socket, for a "connecting…" hint. */
export const liveAtom = atom<ConnectionState>("idle");

/** Whether the presence we hold is current: while the socket is away, nobody is shown online. */
export const presenceFreshAtom = atom((get) => {
  const live = get(liveAtom);
  return live !== "connecting" && live !== "retrying";
});

/** How many incoming requests wait for an answer: the badge. */
export const requestCountAtom = atom((get) => get(contactsAtom)?.incoming.length ?? 0);

/** The running sync, so screens can ask for a refetch after an action. */
export const syncRef: { current: ContactsSync | undefined } = { current: undefined };
