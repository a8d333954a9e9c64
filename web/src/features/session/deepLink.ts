import * as z from "zod/mini";
import { browserStorage, readJson, removeItem, writeJson } from "../../api/storage.ts";
import { safeReturnTo } from "./guard.ts";

const KEY = "easyqr.deepLink";

/** Long enough to sign up on the way (a code by email, onboarding); a payload that ran out by then is the page's to explain. */
export const DEEP_LINK_MAX_AGE_MS = 30 * 60_000;

const Stored = z.object({
  /** The app page the link opens (a private path: safeReturnTo). */
  to: z.string().check(z.maxLength(256)),
  /** What the link carried for that page (an `/add#t=…` token), kept out of the address bar. */
  payload: z.optional(z.string().check(z.maxLength(2048))),
  at: z.number(),
  /** The page was reached: the link no longer steers sign-in, its payload stays until the page is done with it. */
  arrived: z.optional(z.boolean()),
});
type Stored = z.infer<typeof Stored>;

/**
 * A link into the app opened by someone not (yet) in it: where it goes and what it carried, kept
 * in this tab through sign-in and onboarding (the fragment and router state do not survive
 * those redirects). Every deep link (`/add#…`, a private page opened signed out) goes through here.
 */
export function deepLinks(storage: Storage, now: () => number = Date.now) {
  const read = (): Stored | undefined => {
    const stored = readJson(storage, KEY, Stored);
    if (!stored) return undefined;
    if (now() - stored.at >= DEEP_LINK_MAX_AGE_MS || !safeReturnTo(stored.to)) {
      removeItem(storage, KEY);
      return undefined;
    }
    return stored;
  };
  return {
    /** A link with a payload for its page (the link's own page calls this). False for a path outside the app. */
    keep(to: string, payload?: string): boolean {
      if (!safeReturnTo(to)) return false;
      writeJson(storage, KEY, { to, payload, at: now() } satisfies Stored);
      return true;
    },
    /** A private page asked for while signed out: go there after sign-in (the payload of a link to the same page stays). */
    keepDestination(to: string): void {
      const stored = read();
      if (stored?.to === to) writeJson(storage, KEY, { ...stored, arrived: false } satisfies Stored);
      else this.keep(to);
    },
    /** Where sign-in and onboarding should end, while the link's page has not been reached. */
    destination(): string | undefined {
      const stored = read();
      return stored && !stored.arrived ? stored.to : undefined;
    },
    /** The app rendered `path`: if the link was for it, it has arrived. */
    arrive(path: string): void {
      const stored = read();
      if (stored && stored.to === path && !stored.arrived) writeJson(storage, KEY, { ...stored, arrived: true } satisfies Stored);
    },
    /** The payload of a link to `to`. */
    payloadFor(to: string): string | undefined {
      const stored = read();
      return stored?.to === to ? stored.payload : undefined;
    },
    /** The page is done with the link to `to`. */
    forget(to: string): void {
      if (read()?.to === to) removeItem(storage, KEY);
    },
  };
}

/** This tab's deep link. */
export const deepLink = deepLinks(browserStorage("session"));
