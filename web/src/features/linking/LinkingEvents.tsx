import { useAtom, useAtomValue, useSetAtom } from "jotai";
import { useEffect } from "react";
import { liveClientAtom } from "../../realtime/state.ts";
import { abortedLinksAtom, devicesVersionAtom, linkedNoticeAtom } from "./state.ts";

/** Rides on the signed-in socket: a new device of the account (DEVICE_LINKED) and a desktop that left mid-link (LINK_ABORTED). */
export function LinkingEvents() {
  const live = useAtomValue(liveClientAtom);
  const setVersion = useSetAtom(devicesVersionAtom);
  const setAborted = useSetAtom(abortedLinksAtom);
  const [notice, setNotice] = useAtom(linkedNoticeAtom);

  useEffect(() => {
    if (!live) return;
    return live.subscribe({
      event(event) {
        if (event.type === "DEVICE_LINKED") {
          setVersion((n) => n + 1);
          setNotice(event.device);
        } else if (event.type === "LINK_ABORTED") {
          setAborted((set) => new Set(set).add(event.linkId));
        }
      },
      // Back from a drop: the list may have changed meanwhile.
      resync: () => setVersion((n) => n + 1),
    });
  }, [live, setVersion, setAborted, setNotice]);

  if (!notice) return null;
  return (
    <div className="linked-notice" role="status">
      <span>
        New device linked: <strong>{notice.name}</strong> ({notice.platform})
      </span>
      <button type="button" className="button button--link" onClick={() => setNotice(undefined)}>
        OK
      </button>
    </div>
  );
}
