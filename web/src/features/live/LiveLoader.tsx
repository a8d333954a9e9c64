import { useAtomValue, useStore } from "jotai";
import { useEffect } from "react";
import { attachmentsApi } from "../../api/attachments.ts";
import { cacheProfile } from "../../api/offlineDb.ts";
import { LiveClient } from "../../realtime/liveClient.ts";
import { liveAtom, liveClientAtom } from "../../realtime/state.ts";
import { useWakeRetry } from "../../realtime/useWakeRetry.ts";
import { attachmentTransportAtom } from "../chat/attachments.ts";
import { ChatSync } from "../chat/chatSync.ts";
import type { OutboxItem } from "../chat/outbox.ts";
import { chats, chatsAtom, chatSyncAtom, outboxAtom } from "../chat/state.ts";
import { ContactsSync } from "../contacts/contactsSync.ts";
import { contacts, contactsAtom } from "../contacts/state.ts";
import { offlineCache } from "../offline/state.ts";
import { WindowPrefetch } from "../offline/prefetch.ts";
import { forgetDeviceScans, ReceivedScans, receivedScansAtom } from "../scanToDesktop/receivedScans.ts";
import { pageServer } from "../pairing/pageServer.ts";
import { authSession, sessionAtom, sessionEnded } from "../session/state.ts";

/**
 * While someone is signed in (and onboarded): their one socket (the LiveClient) and the features
 * riding on it, contacts and chats, each keeping its atoms live. Before the socket opens, the
 * offline cache fills the atoms with what the last visit left (offline too), and it keeps
 * following them. Everything goes when they sign out, the cache included.
 */
export function LiveLoader() {
  const store = useStore();
  const session = useAtomValue(sessionAtom);
  const live = useAtomValue(liveClientAtom);
  const userId = session.status === "signedIn" && session.user.onboarded ? session.user.id : undefined;

  useEffect(() => {
    if (!userId) return;
    let stopped = false;
    let stop: (() => void) | undefined;
    void offlineCache.load(userId).then((snapshot) => {
      if (stopped) return;
      if (snapshot.chats) store.set(chatsAtom, snapshot.chats);
      if (snapshot.contacts) store.set(contactsAtom, snapshot.contacts);
      stop = startLive(store, userId, snapshot.outbox);
    });
    return () => {
      stopped = true;
      stop?.();
      store.set(chatsAtom, undefined);
      store.set(outboxAtom, []);
      store.set(contactsAtom, undefined);
      store.set(liveAtom, "idle");
    };
  }, [userId, store]);

  // The profile of this sign-in, for the next start (offline too); signing out empties the cache and the scans.
  useEffect(() => {
    const sessionId = authSession.sessionId();
    if (session.status === "signedIn" && sessionId) void cacheProfile(sessionId, session.user);
    if (session.status === "signedOut") {
      void offlineCache.clear();
      forgetDeviceScans(localStorage);
    }
  }, [session]);

  useWakeRetry(live?.retryNow, live?.networkLost);
  return null;
}

/** The socket and its features for `userId`, the outbox as the cache kept it; the returned function ends them. */
function startLive(store: ReturnType<typeof useStore>, userId: string, outbox: OutboxItem[]): () => void {
  const client = new LiveClient({
    server: pageServer(),
    accessToken: () => authSession.accessToken(),
    refresh: () => authSession.refresh(),
    onState: (state) => store.set(liveAtom, state),
    onEnded: (code) => sessionEnded(code),
  });
  const kept = offlineCache.outbox(userId, outbox);
  const contactsSync = new ContactsSync({ api: contacts, store });
  const chatSync = new ChatSync({ me: userId, api: chats, live: client, store, outbox: kept });
  const files = attachmentsApi(authSession);
  const prefetch = new WindowPrefetch(offlineCache, (chatId, limit) => chats.history(chatId, { limit }), userId);
  const unsubscribe = [client.subscribe(contactsSync), client.subscribe(chatSync), offlineCache.follow(store, userId), prefetch.follow(store)];
  const sessionId = authSession.sessionId();
  if (sessionId) {
    const scans = new ReceivedScans({
      storage: localStorage,
      sessionId,
      send: (frame) => client.send(frame),
      onChange: (view) => store.set(receivedScansAtom, view),
    });
    unsubscribe.push(client.subscribe(scans), () => store.set(receivedScansAtom, { scans: [], names: {} }));
  }
  store.set(attachmentTransportAtom, files);
  store.set(chatSyncAtom, chatSync);
  store.set(liveClientAtom, client);
  client.start().catch((error: unknown) => console.warn("easyqr: the live connection could not start", error));
  return () => {
    for (const off of unsubscribe) off();
    client.stop();
    kept.stop();
    contactsSync.stop();
    chatSync.stop();
    files.clear();
    store.set(liveClientAtom, undefined);
    store.set(chatSyncAtom, undefined);
    store.set(attachmentTransportAtom, undefined);
  };
}
