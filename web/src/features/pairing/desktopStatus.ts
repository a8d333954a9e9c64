import type { PhoneInfo } from "@easyqr/protocol";
import type { StatusTone } from "../../components/StatusText.tsx";
import type { DesktopSnapshot } from "./desktopLink.ts";

/** The one line under the QR that says where the pairing stands. */
export function desktopStatus(snapshot: DesktopSnapshot): { text: string; tone: StatusTone } {
  const { view } = snapshot;
  switch (view.kind) {
    case "idle":
      return view.error ? { text: view.error, tone: "error" } : { text: "Not linked", tone: "neutral" };
    case "creating":
      return { text: "Creating a session…", tone: "waiting" };
    case "resuming":
      return { text: "Reconnecting…", tone: "waiting" };
    case "waiting":
      return snapshot.socket === "ready" || snapshot.socket === "idle" || snapshot.socket === "connecting"
        ? { text: "Waiting for phone…", tone: "waiting" }
        : { text: "Reconnecting to the server…", tone: "warn" };
    case "connected": {
      if (snapshot.socket !== "ready") return { text: "Reconnecting to the server…", tone: "warn" };
      const online = view.phones.filter((p) => p.online);
      if (online.length === 0) return { text: "Disconnected — waiting for the phone to come back", tone: "warn" };
      return { text: `Connected${phoneNames(online)}`, tone: "ok" };
    }
    case "expired":
      return { text: "Expired", tone: "error" };
    case "closed":
      return { text: view.error ?? "Session ended", tone: "neutral" };
  }
}

function phoneNames(phones: PhoneInfo[]): string {
  const names = phones.map((p) => p.device?.name).filter((n): n is string => Boolean(n));
  if (names.length === 0) return phones.length > 1 ? ` — ${phones.length} phones` : "";
  return ` — ${names.join(", ")}`;
}
