import { z } from "zod";
import { opaqueId } from "./text.ts";

export const BarcodeFormat = z.enum([
  "QRCode",
  "MicroQRCode",
  "EAN13",
  "EAN8",
  "UPCA",
  "UPCE",
  "Code128",
  "Code39",
  "Code93",
  "ITF",
  "Codabar",
  "DataMatrix",
  "PDF417",
  "Aztec",
  "Unknown",
]);
export type BarcodeFormat = z.infer<typeof BarcodeFormat>;

/** A client-generated id: the same scan resent keeps its id and is stored once. */
export const ClientId = opaqueId(64, "an id is 1–64 letters, digits, _ or -");

export const ScanInput = z
  .object({
    id: ClientId,
    text: z.string().min(1).max(4096),
    format: BarcodeFormat,
    scannedAt: z.number().int().nonnegative(),
  })
  .strict();
export type ScanInput = z.infer<typeof ScanInput>;

/** A scan as the desktop receives it. */
export const Scan = ScanInput.extend({
  phoneId: z.string(),
  receivedAt: z.number().int(),
  /** Order of arrival within the session, from 1, without gaps. */
  seq: z.number().int().positive(),
});
export type Scan = z.infer<typeof Scan>;
