import { atom } from "jotai";
import { browserStorage } from "../../api/storage.ts";
import { DesktopLink } from "./desktopLink.ts";
import { deviceInfo } from "./device.ts";
import { pageServer } from "./pageServer.ts";
import { PhoneLink } from "./phoneLink.ts";

/** The desktop link of this tab; one per page load (per store), shared by every screen. */
export const desktopLinkAtom = atom(
  () =>
    new DesktopLink({
      server: pageServer(),
      session: browserStorage("session"),
      local: browserStorage("local"),
    }),
);

/** The phone link of this tab: /pair hands it over to /scan without reconnecting. */
export const phoneLinkAtom = atom(() => new PhoneLink({ server: pageServer(), local: browserStorage("local"), device: deviceInfo(navigator.userAgent) }));
