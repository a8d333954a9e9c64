import type { Device } from "@easyqr/protocol";
import { useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../../api/errorText.ts";
import { paths } from "../../paths.ts";
import { DeviceRow } from "./DeviceRow.tsx";
import { linking } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

/** At the limit of linked devices: which ones to log out, one tap each, then try again. */
export function DeviceLimit({ devices, onRetry }: { devices: Device[]; onRetry?: () => void }) {
  const [left, setLeft] = useState(devices);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const removed = left.length < devices.length;

  const remove = async (device: Device) => {
    setBusy(device.id);
    setError(undefined);
    try {
      await linking.revoke(device.id);
      setLeft((list) => list.filter((d) => d.id !== device.id));
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className="card link-approval" aria-labelledby="link-approval-title">
      <h2 id="link-approval-title">Too many linked devices</h2>
      <p>You can link at most 5 computers. Log one out to link this one.</p>
      <ul className="device-list">
        {left.map((device) => (
          <DeviceRow
            key={device.id}
            device={device}
            action={
              <button type="button" className="button button--ghost button--small" disabled={busy !== undefined} onClick={() => void remove(device)}>
                {busy === device.id ? "Logging out…" : "Log out"}
              </button>
            }
          />
        ))}
      </ul>
      <FormError message={error} />
      <div className="button-row">
        {onRetry ? (
          <button type="button" className="button button--primary" disabled={!removed} onClick={onRetry}>
            Link the computer now
          </button>
        ) : (
          <Link to="/scan" className="button button--primary">
            Scan again
          </Link>
        )}
        <Link to={paths.home} className="button button--ghost">
          Back to my chats
        </Link>
      </div>
    </section>
  );
}
