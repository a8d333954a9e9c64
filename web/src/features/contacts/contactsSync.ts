import type { ServerEvent } from "@easyqr/protocol";
import type { createStore } from "jotai";
import type { ContactsApi } from "../../api/contacts.ts";
import type { LiveFeature } from "../../realtime/liveClient.ts";
import { applyEvent, fromFetch } from "./contactsState.ts";
import { contactsAtom } from "./state.ts";

export type ContactsSyncOptions = {
  api: Pick<ContactsApi, "requests" | "connections" | "blocks">;
  /** Where the lists live (contactsAtom). */
  store: ReturnType<typeof createStore>;
};

/**
 * The contact lists, kept live (a feature of the LiveClient). On every (re)connect it fetches the
 * lists and applies the events that arrived meanwhile on top: socket first, then fetch, then
 * events (docs/protocol.md), so nothing said during the fetch is lost.
 */
export class ContactsSync implements LiveFeature {
  /** Events received while a fetch is out; applied to its answer. */
  private buffer: ServerEvent[] | undefined;
  private fetchRound = 0;
  private stopped = false;

  constructor(private readonly options: ContactsSyncOptions) {}

  stop(): void {
    this.stopped = true;
  }

  resync(): Promise<void> {
    return this.fetch();
  }

  event(event: ServerEvent): void {
    if (this.buffer) this.buffer.push(event);
    const state = this.options.store.get(contactsAtom);
    if (!state) return;
    const next = applyEvent(state, event);
    if (next !== state) this.options.store.set(contactsAtom, next);
  }

  private async fetch(): Promise<void> {
    const round = ++this.fetchRound;
    this.buffer = [];
    try {
      const [requests, connections, blocks] = await Promise.all([this.options.api.requests(), this.options.api.connections(), this.options.api.blocks()]);
      if (round !== this.fetchRound || this.stopped) return;
      const fresh = (this.buffer ?? []).reduce(applyEvent, fromFetch(requests, connections, blocks));
      this.buffer = undefined;
      this.options.store.set(contactsAtom, fresh);
    } catch (error) {
      if (round === this.fetchRound) this.buffer = undefined;
      console.warn("easyqr: could not load contacts", error);
    }
  }
}
