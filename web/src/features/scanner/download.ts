/** Saves text as a file through a temporary link (no server round trip). */
export function downloadText(filename: string, text: string, type = "text/csv;charset=utf-8"): void {
  // The byte-order mark makes spreadsheet apps read the file as UTF-8.
  const blob = new Blob(["\uFEFF", text], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
