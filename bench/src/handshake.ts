// A load process's signed-in socket, opened as a real client opens one: a handshake that times out,
// is refused or dropped by a busy node is tried again after a backoff with jitter, and counted.
import WebSocket from "ws";

/** A handshake that failed in a way a real client tries again after: the node was busy, away or slow. */
class Retryable extends Error {}

/** Handshake refusals that mean "not now" (a busy node); any other (a bad token, a bench bug) ends the run at once. */
const retryableCodes = new Set(["HANDSHAKE_TIMEOUT", "UNAVAILABLE", "RATE_LIMITED", "INTERNAL"]);

export type HandshakeOptions = {
  /** Tries before giving up on the socket: a real client keeps trying, a bench must end. */
  tries: number;
  /** No answer to the handshake within this is a try that failed. */
  answerMs: number;
  /** The wait before try `attempt + 2`. */
  backoffMs: (attempt: number) => number;
};

export const defaultHandshake: HandshakeOptions = { tries: 6, answerMs: 30_000, backoffMs };

/** As the web client waits (web/src/realtime/backoff.ts): full jitter, uniform in [0, min(15 s, 0.5 s · 2^attempt)). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(15_000, 500 * 2 ** attempt));
}

/**
 * Opens `url`'s socket from `localAddress` and signs in with `accessToken`; resolves once AUTHENTICATED
 * came. `retries` counts each try that failed and was tried again, by reason.
 */
export async function openSignedIn(
  url: string,
  accessToken: string,
  localAddress: string,
  retries: Map<string, number>,
  o: HandshakeOptions = defaultHandshake,
): Promise<WebSocket> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tryOnce(url, accessToken, localAddress, o.answerMs);
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      if (attempt + 1 >= o.tries) throw new Error(`socket not open after ${o.tries} tries: ${error.message}`, { cause: error });
      retries.set(error.message, (retries.get(error.message) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, o.backoffMs(attempt)));
    }
  }
}

function tryOnce(url: string, accessToken: string, localAddress: string, answerMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws`, { localAddress, perMessageDeflate: false });
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Retryable(`no AUTHENTICATED within ${answerMs / 1000} s`)), answerMs);
    ws.once("open", () => ws.send(JSON.stringify({ accessToken })));
    ws.once("message", (data) => {
      const first = JSON.parse((data as Buffer).toString()) as { type: string; error?: { code: string } };
      if (first.type !== "AUTHENTICATED") {
        const code = first.error?.code ?? first.type;
        return fail(retryableCodes.has(code) ? new Retryable(`handshake: ${code}`) : new Error(`handshake: ${code}`));
      }
      settled = true;
      clearTimeout(timer);
      resolve(ws);
    });
    // Refused, reset, or closed before the answer: the node is away or overloaded. (Stays on after: an open socket's error is its close.)
    ws.on("error", (error) => fail(new Retryable(error.message)));
    ws.once("close", (code) => fail(new Retryable(`closed (${code}) before AUTHENTICATED`)));
  });
}
