import { useEffect, useState } from "react";
import { accounts } from "../session/state.ts";
import { localAvailability, RULE, type Availability } from "./availability.ts";

type Answer = { username: string; result: Availability };

/**
 * Live username availability: checked locally at once, then asked of the server after
 * the typing pauses (`delayMs`). A stale answer (for an earlier spelling) is never shown.
 */
export function useUsernameAvailability(typed: string, own: string | null | undefined, delayMs = 350): Availability {
  const local = localAvailability(typed, own);
  const username = "username" in local ? local.username : undefined;
  const [answer, setAnswer] = useState<Answer>();

  useEffect(() => {
    if (username === undefined) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      accounts.usernameAvailability(username, abort.signal).then(
        (result) => {
          const text = result.available
            ? `@${result.username} is available.`
            : result.reason === "taken"
              ? `@${result.username} is taken.`
              : `A username is ${RULE}`;
          const kind = result.available ? "available" : result.reason === "taken" ? "taken" : "invalid";
          setAnswer({ username, result: { kind, text } });
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          setAnswer({ username, result: { kind: "unknown", text: "Could not check this username right now." } });
          console.warn("easyqr: username check failed", error);
        },
      );
    }, delayMs);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [username, delayMs]);

  if (!("username" in local)) return local;
  if (answer?.username === local.username) return answer.result;
  return { kind: "checking", text: "Checking…" };
}
