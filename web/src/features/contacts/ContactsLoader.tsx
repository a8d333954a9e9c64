import { useAtomValue, useSetAtom } from "jotai";
import { useEffect } from "react";
import { attachmentsApi } from "../../api/attachments.ts";
import { useWakeRetry } from "../../api/useWakeRetry.ts";
import { browserStorage } from "../../api/storage.ts";
import { attachmentTransport } from "../chat/attachments.ts";
import { ChatSync } from "../chat/chatSync.ts";
import { chats, chatsAtom, chatSyncRef, outboxAtom } from "../chat/state.ts";
import { pageServer } from "../pairing/links.ts";
import { authSession, sessionAtom, sessionEnded } from "../session/state.ts";
import { ContactsSync } from "./contactsSync.ts";
import { contacts, contactsAtom, liveAtom, syncRef } from "./state.ts";

const wake = () => syncRef.current?.retryNow();

/** While someone is signed in (and onboarded), keeps their socket open and their contacts and chats live. */
export function ContactsLoader() {
  const session = useAtomValue(sessionAtom);
  const setContacts = useSetAtom(contactsAtom);
  const setLive = useSetAtom(liveAtom);
  const setChats = useSetAtom(chatsAtom);
  const setOutbox = useSetAtom(outboxAtom);
  const userId = session.status === "signedIn" && session.user.onboarded ? session.user.id : undefined;

  useEffect(() => {
    if (!userId) return;
    const files = attachmentsApi(authSession);
    attachmentTransport.current = files;
    const chatSync = new ChatSync({ me: userId, api: chats, storage: browserStorage("local"), onState: setChats, onOutbox: setOutbox });
    chatSyncRef.current = chatSync;
    const sync = new ContactsSync({
      attach: (connection) => chatSync.attach(connection),
      server: pageServer(),
      api: contacts,
      accessToken: () => authSession.accessToken(),
      refresh: () => authSession.refresh(),
      onState: setContacts,
      onConnection: setLive,
      onEnded: sessionEnded,
    });
    syncRef.current = sync;
    sync.start().catch((error: unknown) => console.warn("easyqr: the live connection could not start", error));
    return () => {
      sync.stop();
      chatSync.stop();
      if (syncRef.current === sync) syncRef.current = undefined;
      if (chatSyncRef.current === chatSync) chatSyncRef.current = undefined;
      if (attachmentTransport.current === files) attachmentTransport.current = undefined;
      files.clear();
      setChats(undefined);
      setOutbox([]);
      setContacts(undefined);
      setLive("idle");
    };
  }, [userId, setContacts, setLive, setChats, setOutbox]);

  useWakeRetry(wake);
  return null;
}
