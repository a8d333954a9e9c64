import type { Device } from "@easyqr/protocol";
import { useEffect, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { linking } from "../linking/state.ts";

/** How often the phone asks which of its desktops are online while it scans for one. */
const REFRESH_MS = 5_000;

/** The person's linked desktops (GET /api/devices, refreshed while shown): which can take scans now. */
export function useLinkedDesktops(): { desktops: Device[] | undefined; error: string | undefined } {
  const [desktops, setDesktops] = useState<Device[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    const load = () =>
      linking.devices().then(
        (list) => {
          if (!current) return;
          setDesktops(list.filter((d) => d.kind === "linked" && !d.current));
          setError(undefined);
        },
        (failure: unknown) => current && setError(errorMessage(failure)),
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, []);
  return { desktops, error };
}
