import type { Device } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { errorMessage } from "../../api/errorText.ts";
import { DeviceRow } from "./DeviceRow.tsx";
import { devicesVersionAtom, linking } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

type Asking = { kind: "one"; device: Device } | { kind: "others" };

/** Settings → Linked devices: every signed-in device of the account, log out one or all the others, link a new one. */
export function LinkedDevices() {
  const version = useAtomValue(devicesVersionAtom);
  const [devices, setDevices] = useState<Device[]>();
  const [error, setError] = useState<string>();
  const [asking, setAsking] = useState<Asking>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let current = true;
    linking.devices().then(
      (list) => {
        if (!current) return;
        setDevices(list);
        setError(undefined);
      },
      (failure: unknown) => {
        if (current) setError(errorMessage(failure));
      },
    );
    return () => {
      current = false;
    };
  }, [version, reload]);

  const confirm = async (what: Asking) => {
    setAsking(undefined);
    try {
      if (what.kind === "one") await linking.revoke(what.device.id);
      else await linking.logOutOthers();
    } catch (failure) {
      setError(errorMessage(failure));
    }
    setReload((n) => n + 1);
  };

  const others = devices?.filter((d) => !d.current) ?? [];
  return (
    <>
      <div className="button-row">
        <Link to="/link" className="button button--primary">
          Link a desktop
        </Link>
      </div>
      {devices === undefined && !error ? <p className="field__status">Loading devices…</p> : null}
      {devices ? (
        <ul className="device-list" aria-label="Signed-in devices">
          {devices.map((device) => (
            <DeviceRow
              key={device.id}
              device={device}
              action={
                device.current ? undefined : (
                  <button type="button" className="button button--ghost button--small" onClick={() => setAsking({ kind: "one", device })}>
                    Log out
                  </button>
                )
              }
            />
          ))}
        </ul>
      ) : null}
      <FormError message={error} />
      {others.length > 0 ? (
        <div className="button-row">
          <button type="button" className="button button--ghost" onClick={() => setAsking({ kind: "others" })}>
            Log out all other devices
          </button>
        </div>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title={asking.kind === "one" ? `Log out ${asking.device.name}?` : "Log out all other devices?"}
          body={
            asking.kind === "one"
              ? "It will be signed out within seconds and will need to be linked again."
              : `${others.length} other ${others.length === 1 ? "device" : "devices"} will be signed out within seconds. This one stays signed in.`
          }
          confirmLabel="Log out"
          onConfirm={() => void confirm(asking)}
          onCancel={() => setAsking(undefined)}
        />
      ) : null}
    </>
  );
}
