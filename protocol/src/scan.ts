import * as z from "zod/mini";
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

export const ScanInput = z.strictObject({
  id: ClientId,
  text: z.string().check(z.minLength(1), z.maxLength(4096)),
  format: BarcodeFormat,
  scannedAt: z.int().check(z.nonnegative()),
});
export type ScanInput = z.infer<typeof ScanInput>;

/** A scan as the desktop receives it. */
export const Scan = z.extend(ScanInput, {
  phoneId: z.string(),
  receivedAt: z.int(),
  /** Order of arrival within the session, from 1, without gaps. */
  seq: z.int().check(z.positive()),
});
export type Scan = z.infer<typeof Scan>;
