import type { RecentScan } from "../pairing/phoneLink.ts";
import { formatLabel } from "./formats.ts";

const statusWords: Record<RecentScan["status"], string> = { pending: "waiting", sent: "sent", rejected: "refused" };

/** The phone's last scans and whether each reached the desktop. */
export function RecentScans({ scans, pending, noCamera = false }: { scans: readonly RecentScan[]; pending: number; noCamera?: boolean }) {
  return (
    <div className="recent">
      <p className="recent__summary" aria-live="polite">
        {pending > 0
          ? `${pending} waiting to be sent`
          : scans.length > 0
            ? "All scans delivered"
            : noCamera
              ? "Nothing scanned yet"
              : "Point the camera at a barcode or QR code"}
      </p>
      {scans.length > 0 ? (
        <ul className="recent__list">
          {scans.slice(0, 5).map((s) => (
            <li key={s.id} className={`recent__item recent__item--${s.status}`}>
              <span className="chip">{formatLabel(s.format)}</span>
              <span className="recent__text">{s.text}</span>
              <span className="recent__status">{statusWords[s.status]}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
