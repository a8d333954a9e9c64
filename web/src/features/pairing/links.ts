import { httpBase } from "@easyqr/protocol";
import { httpClient } from "../../api/pairing.ts";
import { browserStorage } from "../../api/storage.ts";
import { DesktopLink } from "./desktopLink.ts";
import { deviceInfo } from "./device.ts";
import { PhoneLink } from "./phoneLink.ts";

/** This page's server: the web app is always served by the server it talks to. */
export function pageServer(): string {
  return httpBase(window.location.origin);
}

let desktop: DesktopLink | undefined;
let phone: PhoneLink | undefined;

/** The desktop link of this tab; one per page load, shared by every screen. */
export function desktopLink(): DesktopLink {
  desktop ??= new DesktopLink({
    http: httpClient(pageServer()),
    server: pageServer(),
    session: browserStorage("session"),
    local: browserStorage("local"),
  });
  return desktop;
}

/** The phone link of this tab: /pair hands it over to /scan without reconnecting. */
export function phoneLink(): PhoneLink {
  phone ??= new PhoneLink({ server: pageServer(), local: browserStorage("local"), device: deviceInfo(navigator.userAgent) });
  return phone;
}
