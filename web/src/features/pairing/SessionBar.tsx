import { useState } from "react";
import { formatPairingCode, type PairingQr } from "@easyqr/protocol";
import { QrImage } from "../../components/QrImage.tsx";
import { StatusText } from "../../components/StatusText.tsx";
import type { StatusTone } from "../../components/StatusText.tsx";
import { FormError } from "../../components/FormError.tsx";

type Props = {
  status: { text: string; tone: StatusTone };
  allowMultiplePhones: boolean;
  joinQr?: PairingQr;
  online: boolean;
  onToggleMulti: (allow: boolean) => Promise<string | undefined>;
  onDisconnect: () => Promise<void>;
};

/** The linked desktop's top card: who is connected, more phones, disconnect. */
export function SessionBar({ status, allowMultiplePhones, joinQr, online, onToggleMulti, onDisconnect }: Props) {
  /** The value asked for while the server has not acknowledged it yet. */
  const [requested, setRequested] = useState<boolean>();
  const [error, setError] = useState<string>();
  const busy = requested !== undefined;

  const toggle = async (allow: boolean) => {
    setRequested(allow);
    setError(await onToggleMulti(allow).catch(() => "The server did not answer. Try again."));
    setRequested(undefined);
  };

  return (
    <section className="card session" aria-label="Linked phone">
      <div className="session__row">
        <StatusText text={status.text} tone={status.tone} large />
        <div className="session__actions">
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={requested ?? allowMultiplePhones}
              disabled={busy || !online}
              onChange={(e) => void toggle(e.currentTarget.checked)}
            />
            <span>Allow more phones</span>
          </label>
          <button type="button" className="button button--danger" onClick={() => void onDisconnect()}>
            Disconnect
          </button>
        </div>
      </div>
      <FormError message={error} />
      {allowMultiplePhones && joinQr ? (
        <div className="join">
          <QrImage text={joinQr.url} size={200} label="QR code for adding another phone" />
          <div>
            <h2>Add another phone</h2>
            <p>Scan this code with the next phone, or type</p>
            <p className="code code--small">{formatPairingCode(joinQr.code)}</p>
          </div>
        </div>
      ) : null}
    </section>
  );
}
