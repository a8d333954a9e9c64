import { useSetAtom } from "jotai";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { deviceKeys } from "../../api/deviceKey.ts";
import { useStore } from "../../api/useStore.ts";
import { useWakeRetry } from "../../realtime/useWakeRetry.ts";
import { paths } from "../../paths.ts";
import { deviceInfo } from "../pairing/device.ts";
import { pageServer } from "../pairing/pageServer.ts";
import { authSession, sessionAtom } from "../session/state.ts";
import { DesktopLinking } from "./desktopLinking.ts";
import { LinkCard } from "./LinkCard.tsx";
import { linking } from "./state.ts";

/** "Link with your phone" on a signed-out desktop: on approval this browser signs in and opens the chats. */
export function DesktopLinkScreen({ onScanner }: { onScanner: () => void }) {
  const setSession = useSetAtom(sessionAtom);
  const navigate = useNavigate();
  const [link] = useState(
    () =>
      new DesktopLinking({
        server: pageServer(),
        device: deviceInfo(navigator.userAgent),
        key: () => deviceKeys.get(),
        redeem: (body) => linking.redeem(body),
        signedIn: ({ tokens, user }) => {
          authSession.start(tokens, true);
          setSession({ status: "signedIn", user });
          void navigate(paths.home, { replace: true });
        },
      }),
  );
  const snapshot = useStore(link);

  useEffect(() => {
    void link.start();
    return () => link.stop();
  }, [link]);
  useWakeRetry(link.retryNow);

  return <LinkCard snapshot={snapshot} onNewCode={() => void link.start()} onScanner={onScanner} />;
}
