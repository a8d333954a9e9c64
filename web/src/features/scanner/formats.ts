import { BarcodeFormat } from "@easyqr/protocol";

/** What the scanner looks for, in zxing-wasm's names (which the protocol's names follow). */
export const SCAN_FORMATS = BarcodeFormat.options.filter((format) => format !== "Unknown");

/** zxing-wasm reports variants (Code39Std, ITF14, QRCodeModel2, …); fold them into the protocol's format. */
export function fromZxing(format: string, symbology = ""): BarcodeFormat {
  if (format === "ISBN") return "EAN13";
  for (const name of [format, symbology]) {
    const parsed = BarcodeFormat.safeParse(name);
    if (parsed.success) return parsed.data;
  }
  return "Unknown";
}

const native: Record<string, BarcodeFormat> = {
  qr_code: "QRCode",
  ean_13: "EAN13",
  ean_8: "EAN8",
  upc_a: "UPCA",
  upc_e: "UPCE",
  code_128: "Code128",
  code_39: "Code39",
  code_93: "Code93",
  itf: "ITF",
  codabar: "Codabar",
  data_matrix: "DataMatrix",
  pdf417: "PDF417",
  aztec: "Aztec",
};

/** The browser's BarcodeDetector names (qr_code, ean_13, …). */
export function fromNative(format: string): BarcodeFormat {
  return native[format] ?? "Unknown";
}

export const NATIVE_FORMATS = Object.keys(native);

/** How a format reads in the history list. */
export function formatLabel(format: BarcodeFormat): string {
  const labels: Partial<Record<BarcodeFormat, string>> = {
    QRCode: "QR",
    MicroQRCode: "Micro QR",
    EAN13: "EAN-13",
    EAN8: "EAN-8",
    UPCA: "UPC-A",
    UPCE: "UPC-E",
    Code128: "Code 128",
    Code39: "Code 39",
    Code93: "Code 93",
    DataMatrix: "Data Matrix",
  };
  return labels[format] ?? format;
}
