import type { Blocks, Connection, ContactCard, ContactRequest, ContactRequests, Connections, ServerEvent } from "@easyqr/protocol";

/** Everything the contact screens show: what the three list calls return, kept in one shape. */
export type ContactsState = {
  /** By name, as `GET /connections` answers. */
  connections: Connection[];
  /** Newest first, as `GET /requests` answers. */
  incoming: ContactRequest[];
  outgoing: ContactRequest[];
  blocked: ContactCard[];
};

export const emptyContacts: ContactsState = { connections: [], incoming: [], outgoing: [], blocked: [] };

const nameKey = (c: Connection) => (c.user.name ?? c.user.username ?? "").toLocaleLowerCase();
const byName = (a: Connection, b: Connection) => nameKey(a).localeCompare(nameKey(b)) || a.user.id.localeCompare(b.user.id);
const newestFirst = (a: ContactRequest, b: ContactRequest) => b.createdAt - a.createdAt || a.id.localeCompare(b.id);

/** The state a fresh fetch gives. */
export function fromFetch(requests: ContactRequests, connections: Connections, blocks: Blocks): ContactsState {
  return {
    connections: [...connections.connections].sort(byName),
    incoming: [...requests.incoming].sort(newestFirst),
    outgoing: [...requests.outgoing].sort(newestFirst),
    blocked: blocks.users,
  };
}

/**
 * One server event applied to the lists. Idempotent (events carry ids; presence is state), so an
 * event already reflected in a fetch is harmless: stale state + the events = a fresh fetch.
 * Events that are not about contacts return the state unchanged (the same object).
 */
export function applyEvent(state: ContactsState, event: ServerEvent): ContactsState {
  switch (event.type) {
    case "CONTACT_REQUEST_ADDED": {
      const { request } = event;
      const key = request.direction === "incoming" ? "incoming" : "outgoing";
      const rest = state[key].filter((r) => r.id !== request.id);
      return { ...state, [key]: [...rest, request].sort(newestFirst) };
    }
    case "CONTACT_REQUEST_REMOVED": {
      const keep = (r: ContactRequest) => r.id !== event.requestId;
      return { ...state, incoming: state.incoming.filter(keep), outgoing: state.outgoing.filter(keep) };
    }
    case "CONNECTION_ADDED": {
      const rest = state.connections.filter((c) => c.user.id !== event.connection.user.id);
      return { ...state, connections: [...rest, event.connection].sort(byName) };
    }
    case "CONNECTION_REMOVED":
      return { ...state, connections: state.connections.filter((c) => c.user.id !== event.userId) };
    case "PRESENCE":
      return {
        ...state,
        connections: state.connections.map((c) => (c.user.id === event.userId ? { ...c, presence: event.presence } : c)),
      };
    case "PROFILE_UPDATED": {
      const { user } = event;
      const card = <T extends { user: ContactCard }>(item: T): T => (item.user.id === user.id ? { ...item, user } : item);
      return {
        ...state,
        connections: state.connections.map(card).sort(byName),
        incoming: state.incoming.map(card),
        outgoing: state.outgoing.map(card),
        blocked: state.blocked.map((u) => (u.id === user.id ? user : u)),
      };
    }
    case "BLOCK_ADDED": {
      const blocked = [...state.blocked.filter((u) => u.id !== event.user.id), event.user];
      // A block ends the connection and withdraws requests either way; the server says so too, this only keeps the lists consistent meanwhile.
      return {
        ...state,
        blocked,
        connections: state.connections.filter((c) => c.user.id !== event.user.id),
        incoming: state.incoming.filter((r) => r.user.id !== event.user.id),
      };
    }
    case "BLOCK_REMOVED":
      return { ...state, blocked: state.blocked.filter((u) => u.id !== event.userId) };
    default:
      return state;
  }
}
