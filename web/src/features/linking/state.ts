import { atom } from "jotai";
import type { Device } from "@easyqr/protocol";
import { linkingApi } from "../../api/linking.ts";
import { authSession } from "../session/state.ts";

export const linking = linkingApi(authSession.api);

/** Links the desktop gave up on after this phone claimed them (LINK_ABORTED), by link id. */
export const abortedLinksAtom = atom<ReadonlySet<string>>(new Set<string>());

/** Bumped by DEVICE_LINKED: the Linked devices list loads again. */
export const devicesVersionAtom = atom(0);

/** "New device linked: …", shown on every screen until dismissed. */
export const linkedNoticeAtom = atom<Device | undefined>(undefined);
