import assert from "node:assert/strict";
import { test } from "node:test";
import type { Connection, ContactCard, ContactRequest, ServerEvent } from "@easyqr/protocol";
import { applyEvent, emptyContacts, fromFetch, type ContactsState } from "./contactsState.ts";

const card = (id: string, name: string): ContactCard => ({ id, name, username: name.toLowerCase(), bio: null, avatar: null });
const ada = card("a", "Ada");
const bob = card("b", "Bob");
const cy = card("c", "Cy");
const request = (id: string, user: ContactCard, direction: "incoming" | "outgoing", createdAt: number): ContactRequest => ({
  id,
  user,
  direction,
  createdAt,
  expiresAt: createdAt + 1000,
});
const connection = (user: ContactCard, online = false, lastSeen: number | null = null): Connection => ({ user, since: 1, presence: { online, lastSeen } });

/** What the three list calls answer for a given truth, in the server's order. */
const fetched = (truth: { incoming?: ContactRequest[]; outgoing?: ContactRequest[]; connections?: Connection[]; blocked?: ContactCard[] }): ContactsState =>
  fromFetch({ incoming: truth.incoming ?? [], outgoing: truth.outgoing ?? [] }, { connections: truth.connections ?? [] }, { users: truth.blocked ?? [] });

const apply = (state: ContactsState, events: ServerEvent[]) => events.reduce(applyEvent, state);

test("a request received, then accepted: stale state + the events = a fresh fetch", () => {
  const r = request("r1", bob, "incoming", 10);
  const events: ServerEvent[] = [
    { type: "CONTACT_REQUEST_ADDED", request: r },
    { type: "CONTACT_REQUEST_REMOVED", requestId: "r1", reason: "accepted" },
    { type: "CONNECTION_ADDED", connection: connection(bob, true) },
  ];
  assert.deepEqual(apply(emptyContacts, events.slice(0, 1)), fetched({ incoming: [r] }));
  assert.deepEqual(apply(emptyContacts, events), fetched({ connections: [connection(bob, true)] }));
});

test("declined and cancelled requests leave both lists; expired ones too", () => {
  const start = fetched({ incoming: [request("r1", bob, "incoming", 10)], outgoing: [request("r2", cy, "outgoing", 20), request("r3", ada, "outgoing", 30)] });
  const after = apply(start, [
    { type: "CONTACT_REQUEST_REMOVED", requestId: "r1", reason: "declined" },
    { type: "CONTACT_REQUEST_REMOVED", requestId: "r2", reason: "cancelled" },
  ]);
  assert.deepEqual(after, fetched({ outgoing: [request("r3", ada, "outgoing", 30)] }));
  assert.deepEqual(applyEvent(after, { type: "CONTACT_REQUEST_REMOVED", requestId: "r3", reason: "expired" }), emptyContacts);
});

test("events already reflected in the fetch are harmless (applied twice, same lists)", () => {
  const r = request("r1", bob, "outgoing", 10);
  const events: ServerEvent[] = [
    { type: "CONTACT_REQUEST_ADDED", request: r },
    { type: "CONNECTION_ADDED", connection: connection(cy) },
    { type: "PRESENCE", userId: "c", presence: { online: true, lastSeen: null } },
  ];
  const fresh = fetched({ outgoing: [r], connections: [connection(cy, true)] });
  assert.deepEqual(apply(fresh, events), fresh);
  assert.deepEqual(apply(apply(emptyContacts, events), events), fresh);
});

test("connections stay sorted by name; removal and presence touch only that user", () => {
  const state = apply(emptyContacts, [
    { type: "CONNECTION_ADDED", connection: connection(cy) },
    { type: "CONNECTION_ADDED", connection: connection(ada) },
    { type: "CONNECTION_ADDED", connection: connection(bob, true) },
    { type: "PRESENCE", userId: "b", presence: { online: false, lastSeen: 500 } },
    { type: "CONNECTION_REMOVED", userId: "c" },
  ]);
  assert.deepEqual(state, fetched({ connections: [connection(bob, false, 500), connection(ada)] }));
  assert.deepEqual(
    state.connections.map((c) => c.user.name),
    ["Ada", "Bob"],
  );
});

test("presence of someone who is not a connection changes nothing", () => {
  const state = fetched({ connections: [connection(ada)] });
  assert.deepEqual(applyEvent(state, { type: "PRESENCE", userId: "zz", presence: { online: true, lastSeen: null } }), state);
});

test("a block hides their incoming request and ends the connection; unblock restores only the list", () => {
  const state = fetched({ incoming: [request("r1", bob, "incoming", 10)], connections: [connection(cy)] });
  const blocked = apply(state, [
    { type: "BLOCK_ADDED", user: bob },
    { type: "BLOCK_ADDED", user: cy },
    { type: "CONNECTION_REMOVED", userId: "c" },
  ]);
  assert.deepEqual(blocked, fetched({ blocked: [bob, cy] }));
  assert.deepEqual(applyEvent(blocked, { type: "BLOCK_REMOVED", userId: "b" }), fetched({ blocked: [cy] }));
});

test("a changed card replaces theirs everywhere it shows: connection (by name again), requests, blocked", () => {
  const state = fetched({ connections: [connection(ada), connection(bob)], incoming: [request("r1", cy, "incoming", 10)], blocked: [card("d", "Dee")] });
  const zed = { ...ada, name: "Zed", bio: "now with a bio" };
  const cyBio = { ...cy, bio: "shared with everyone" };
  const dee = { ...card("d", "Dee"), name: "Dee Dee" };
  const after = apply(state, [
    { type: "PROFILE_UPDATED", user: zed },
    { type: "PROFILE_UPDATED", user: cyBio },
    { type: "PROFILE_UPDATED", user: dee },
  ]);
  assert.deepEqual(after, fetched({ connections: [connection(bob), connection(zed)], incoming: [request("r1", cyBio, "incoming", 10)], blocked: [dee] }));
  assert.deepEqual(applyEvent(after, { type: "PROFILE_UPDATED", user: { ...cyBio, bio: null } }).incoming[0]?.user.bio, null, "a bio taken back goes too");
});

test("hiding or showing last seen arrives as PRESENCE and replaces what the list shows", () => {
  const state = fetched({ connections: [connection(ada, false, 500)] });
  const hidden = applyEvent(state, { type: "PRESENCE", userId: "a", presence: { online: false, lastSeen: null } });
  assert.deepEqual(hidden, fetched({ connections: [connection(ada, false, null)] }));
  assert.deepEqual(applyEvent(hidden, { type: "PRESENCE", userId: "a", presence: { online: false, lastSeen: 500 } }), state);
});

test("events that are not about contacts return the same state", () => {
  const state = fetched({ connections: [connection(ada)] });
  assert.equal(applyEvent(state, { type: "ACK", id: "x" }), state);
});
