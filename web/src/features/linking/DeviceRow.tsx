import type { Device } from "@easyqr/protocol";
import type { ReactNode } from "react";
import { useNow } from "../../components/useNow.ts";
import { lastActiveText } from "./approval.ts";

/** One device of the account: its name, system, when it was last used and from where. */
export function DeviceRow({ device, action }: { device: Device; action?: ReactNode }) {
  const now = useNow(30_000);
  return (
    <li className="device-row" data-testid="device-row">
      <span className="device-row__text">
        <span className="device-row__name">
          {device.name}
          {device.current ? <span className="device-row__this"> · this device</span> : null}
        </span>
        <span className="device-row__meta">
          {[
            device.platform,
            device.kind === "linked" ? "linked" : "signed in with a code",
            device.current ? "active now" : lastActiveText(device.lastActiveAt, now),
            device.ip,
          ]
            .filter(Boolean)
            .join(" · ")}
        </span>
      </span>
      {action}
    </li>
  );
}
