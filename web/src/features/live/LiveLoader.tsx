import { useAtomValue, useStore } from "jotai";
import { useEffect } from "react";
import { attachmentsApi } from "../../api/attachments.ts";
import { errorText } from "../../api/errorText.ts";
import { browserStorage } from "../../api/storage.ts";
import { LiveClient } from "../../realtime/liveClient.ts";
import { liveAtom, liveClientAtom } from "../../realtime/state.ts";
import { useWakeRetry } from "../../realtime/useWakeRetry.ts";
import { attachmentTransportAtom } from "../chat/attachments.ts";
import { ChatSync } from "../chat/chatSync.ts";
import { chats, chatsAtom, chatSyncAtom, outboxAtom } from "../chat/state.ts";
import { ContactsSync } from "../contacts/contactsSync.ts";
import { contacts, contactsAtom } from "../contacts/state.ts";
import { pageServer } from "../pairing/links.ts";
import { authSession, sessionAtom } from "../session/state.ts";

/**
 * While someone is signed in (and onboarded): their one socket (the LiveClient) and the features
 * riding on it, contacts and chats, each keeping its atoms live. Everything goes when they sign out.
 */
export function LiveLoader() {
  const store = useStore();
  const session = useAtomValue(sessionAtom);
  const live = useAtomValue(liveClientAtom);
  const userId = session.status === "signedIn" && session.user.onboarded ? session.user.id : undefined;

  useEffect(() => {
    if (!userId) return;
    const client = new LiveClient({
      server: pageServer(),
      accessToken: () => authSession.accessToken(),
      refresh: () => authSession.refresh(),
      onState: (state) => store.set(liveAtom, state),
      onEnded: (code) => {
        authSession.clear();
        store.set(sessionAtom, { status: "signedOut", notice: errorText(code), ended: true });
      },
    });
    const contactsSync = new ContactsSync({ api: contacts, store });
    const chatSync = new ChatSync({ me: userId, api: chats, live: client, store, storage: browserStorage("local") });
    const files = attachmentsApi(authSession);
    const unsubscribe = [client.subscribe(contactsSync), client.subscribe(chatSync)];
    store.set(attachmentTransportAtom, files);
    store.set(chatSyncAtom, chatSync);
    store.set(liveClientAtom, client);
    client.start().catch((error: unknown) => console.warn("easyqr: the live connection could not start", error));
    return () => {
      for (const off of unsubscribe) off();
      client.stop();
      contactsSync.stop();
      chatSync.stop();
      files.clear();
      store.set(liveClientAtom, undefined);
      store.set(chatSyncAtom, undefined);
      store.set(attachmentTransportAtom, undefined);
      store.set(chatsAtom, undefined);
      store.set(outboxAtom, []);
      store.set(contactsAtom, undefined);
      store.set(liveAtom, "idle");
    };
  }, [userId, store]);

  useWakeRetry(live?.retryNow);
  return null;
}
