import type { Scan } from "@easyqr/protocol";

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break,
 * with quotes doubled. A value a spreadsheet would run as a formula (leading
 * = + - @, tab or CR) gets a leading apostrophe first (OWASP "CSV injection").
 */
export function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) || guarded !== guarded.trim() ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvRow(values: readonly string[]): string {
  return values.map(csvCell).join(",");
}

/** The history as CSV with CRLF line ends and a header row. */
export function scansToCsv(scans: readonly Scan[], phoneName: (phoneId: string) => string = (id) => id): string {
  const header = csvRow(["seq", "scanned_at", "received_at", "format", "text", "phone"]);
  const rows = scans.map((s) =>
    csvRow([String(s.seq), new Date(s.scannedAt).toISOString(), new Date(s.receivedAt).toISOString(), s.format, s.text, phoneName(s.phoneId)]),
  );
  return [header, ...rows].join("\r\n") + "\r\n";
}
