import assert from "node:assert/strict";
import { test } from "node:test";
import type { Blocks, Connection, ContactCard, ContactRequests, Connections } from "@easyqr/protocol";
import { createStore } from "jotai";
import { ContactsSync } from "./contactsSync.ts";
import { contactsAtom } from "./state.ts";

const card = (id: string, name: string): ContactCard => ({ id, name, username: name.toLowerCase(), bio: null, avatar: null });
const connection = (user: ContactCard, online: boolean): Connection => ({ user, since: 1, presence: { online, lastSeen: null } });
const bob = card("b", "Bob");

test("a resync fetches the lists into the atom, with the events that came during the fetch on top", async () => {
  let answer: (lists: Connections) => void = () => {};
  const api = {
    requests: () => Promise.resolve<ContactRequests>({ incoming: [], outgoing: [] }),
    connections: () => new Promise<Connections>((resolve) => (answer = resolve)),
    blocks: () => Promise.resolve<Blocks>({ users: [] }),
  };
  const store = createStore();
  const sync = new ContactsSync({ api, store });
  const fetching = sync.resync();
  // Bob comes online while the lists are on their way: the fetch still says offline.
  sync.event({ type: "PRESENCE", userId: "b", presence: { online: true, lastSeen: null } });
  assert.equal(store.get(contactsAtom), undefined, "nothing until the fetch answers");
  answer({ connections: [connection(bob, false)] });
  await fetching;
  assert.deepEqual(store.get(contactsAtom)?.connections, [connection(bob, true)]);
  sync.event({ type: "CONNECTION_REMOVED", userId: "b" });
  assert.deepEqual(store.get(contactsAtom)?.connections, [], "live events apply to the atom");
});
