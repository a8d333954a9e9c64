import { useAtomValue } from "jotai";
import { networkText, useOnline } from "../../realtime/networkText.ts";
import { liveAtom } from "../../realtime/state.ts";

/**
 * "Waiting for network…" while the browser is offline, "Connecting…" while the socket is on its
 * way: the screens meanwhile show what the offline cache kept, and say it may be behind.
 */
export function NetworkStatus() {
  const text = networkText(useAtomValue(liveAtom), useOnline());
  if (!text) return null;
  return (
    <p className="network-status" role="status" data-testid="network-status">
      <span className="network-status__spinner" aria-hidden="true" />
      {text}
    </p>
  );
}
