import { atom } from "jotai";
import type { ConnectionState } from "./connection.ts";
import type { LiveClient } from "./liveClient.ts";

/** The signed-in user's socket while someone is signed in (set by LiveLoader), for the screens' actions. */
export const liveClientAtom = atom<LiveClient | undefined>(undefined);

/** The state of the signed-in socket, for a "connecting…" hint. */
export const liveAtom = atom<ConnectionState>("idle");
