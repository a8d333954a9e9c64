/** Where a phone opens the scanner: the QR's server with /scan instead of /pair#…. */
export function scannerUrl(qrUrl: string): string {
  try {
    const url = new URL(qrUrl);
    return `${url.origin}${url.pathname.replace(/\/pair\/?$/, "")}/scan`;
  } catch {
    return "/scan";
  }
}
