import { formatPairingCode, type PairingQr } from "@easyqr/protocol";
import { QrImage } from "../../components/QrImage.tsx";
import { StatusText } from "../../components/StatusText.tsx";
import { formatRemaining, useNow } from "../../components/useNow.ts";
import type { StatusTone } from "../../components/StatusText.tsx";
import { useState } from "react";
import { onPhone } from "./device.ts";
import { scannerUrl } from "./scannerUrl.ts";

/** The waiting screen: steps on the left, the big QR with its code and countdown on the right. */
export function PairingCard({ qr, expiresAt, status }: { qr: PairingQr; expiresAt: number; status: { text: string; tone: StatusTone } }) {
  const now = useNow(1000);
  const [phone] = useState(onPhone);
  return (
    <section className="card pairing" aria-labelledby="pairing-title">
      <div className="pairing__text">
        <h1 id="pairing-title">{phone ? "Link another phone to this one" : "Link your phone to this computer"}</h1>
        <ol className="steps">
          <li>
            On {phone ? "the other" : "your"} phone, open <strong className="url">{scannerUrl(qr.url)}</strong>
          </li>
          <li>Point the phone at this screen to scan the code. The phone&apos;s own camera app works too.</li>
          <li>No camera? Type the 8-character code shown under the QR.</li>
        </ol>
        <StatusText text={status.text} tone={status.tone} />
      </div>
      <figure className="pairing__qr">
        <QrImage text={qr.url} label={`Pairing QR code: scan it with ${phone ? "the other" : "your"} phone`} />
        <figcaption>
          <span className="code" aria-label={`Pairing code ${qr.code.split("").join(" ")}`}>
            {formatPairingCode(qr.code)}
          </span>
          <span className="countdown" aria-live="off">
            New code in {formatRemaining(qr.rotatesAt - now)} · stops in {formatRemaining(expiresAt - now)}
          </span>
        </figcaption>
      </figure>
    </section>
  );
}
