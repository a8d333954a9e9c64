import type { Chat, GroupInfo, PublicUser } from "@easyqr/protocol";
import { atom, useAtomValue, useSetAtom } from "jotai";
import { useEffect } from "react";
import { groupsApi } from "../../api/groups.ts";
import { authSession } from "../session/state.ts";

export const groups = groupsApi(authSession);

/** Each group's members as last fetched (GET /api/groups/:chatId), with the mark they were fetched at. */
export const groupInfosAtom = atom<Record<string, { info: GroupInfo; mark: string }>>({});

/**
 * What says the member list may have changed: the member count, one's role, and the newest system
 * line (an admin change moves no count). The list is fetched again when it moves.
 */
export function membersMark(chat: Chat): string {
  if (chat.kind !== "group") return "";
  const system = chat.lastMessage?.system ? chat.lastMessage.seq : 0;
  return `${chat.group.memberCount}:${chat.role ?? "out"}:${system}`;
}

/**
 * Everyone seen in a group's member list this session (id → name and photo), kept after they leave:
 * a message names only its sender's id, and a `left` line not even their name.
 */
export const knownPeopleAtom = atom<Record<string, PublicUser>>({});

const inFlight = new Map<string, Promise<GroupInfo>>();

/** The members of a group chat, fetched when first needed and again when its mark moves; undefined for a 1-1 chat or while loading. */
export function useGroupInfo(chat: Chat | undefined): GroupInfo | undefined {
  const infos = useAtomValue(groupInfosAtom);
  const setInfos = useSetAtom(groupInfosAtom);
  const setKnown = useSetAtom(knownPeopleAtom);
  const group = chat?.kind === "group" ? chat : undefined;
  const mark = group ? membersMark(group) : "";
  const known = group ? infos[group.id] : undefined;
  const stale = group !== undefined && known?.mark !== mark && group.role !== null;
  const chatId = group?.id;
  useEffect(() => {
    if (!stale || !chatId) return;
    const key = `${chatId}@${mark}`;
    const request = inFlight.get(key) ?? groups.info(chatId);
    inFlight.set(key, request);
    request
      .then((info) => {
        setInfos((all) => ({ ...all, [chatId]: { info, mark } }));
        setKnown((known) => ({ ...known, ...Object.fromEntries(info.members.map((m) => [m.user.id, m.user])) }));
      })
      .catch(() => undefined)
      .finally(() => inFlight.delete(key));
  }, [stale, chatId, mark, setInfos, setKnown]);
  return known?.info;
}
