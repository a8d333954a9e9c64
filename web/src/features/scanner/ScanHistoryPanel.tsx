import type { PhoneInfo, Scan } from "@easyqr/protocol";
import { CopyButton } from "../../components/CopyButton.tsx";
import { scansToCsv } from "./csv.ts";
import { downloadText } from "./download.ts";
import { formatLabel } from "./formats.ts";

type Props = { scans: readonly Scan[]; phones: readonly PhoneInfo[]; sessionId?: string };

/** The desktop's scan list, newest first, with copy per row and CSV export of all. */
export function ScanHistoryPanel({ scans, phones, sessionId }: Props) {
  const phoneName = (id: string) => phones.find((p) => p.phoneId === id)?.device?.name ?? id;
  const exportCsv = () => {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    downloadText(`easyqr-scans-${stamp}.csv`, scansToCsv(scans, phoneName));
  };
  const newestFirst = [...scans].reverse();
  const multiPhone = new Set(scans.map((s) => s.phoneId)).size > 1;

  return (
    <section className="card history" aria-labelledby="history-title" data-session={sessionId}>
      <header className="history__header">
        <h2 id="history-title">
          Scans <span className="count">{scans.length}</span>
        </h2>
        <button type="button" className="button button--secondary" onClick={exportCsv} disabled={scans.length === 0}>
          Export CSV
        </button>
      </header>
      {scans.length === 0 ? (
        <p className="history__empty">Scan a barcode or QR code with the linked phone — it appears here instantly.</p>
      ) : (
        <div className="history__scroll">
          <table className="history__table">
            <caption className="visually-hidden">Scanned codes, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Format</th>
                <th scope="col">Content</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {newestFirst.map((scan) => (
                <tr key={scan.seq} data-testid="scan-row">
                  <td className="history__time">
                    <time dateTime={new Date(scan.scannedAt).toISOString()}>{new Date(scan.scannedAt).toLocaleTimeString()}</time>
                    {multiPhone ? <span className="history__phone">{phoneName(scan.phoneId)}</span> : null}
                  </td>
                  <td className="history__format">
                    <span className="chip">{formatLabel(scan.format)}</span>
                  </td>
                  <td className="history__text">{scan.text}</td>
                  <td className="history__actions">
                    <CopyButton text={scan.text} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
