import { atom } from "jotai";
import { contactsApi } from "../../api/contacts.ts";
import { liveAtom } from "../../realtime/state.ts";
import { authSession } from "../session/state.ts";
import type { ContactsState } from "./contactsState.ts";

export const contacts = contactsApi(authSession);

/** The lists, live; undefined until the first fetch after the socket opened. */
export const contactsAtom = atom<ContactsState | undefined>(undefined);

/** Whether the presence we hold is current: while the socket is away, nobody is shown online. */
export const presenceFreshAtom = atom((get) => {
  const live = get(liveAtom);
  return live !== "connecting" && live !== "retrying";
});

/** How many incoming requests wait for an answer: the badge. */
export const requestCountAtom = atom((get) => get(contactsAtom)?.incoming.length ?? 0);
