import type { BarcodeFormat } from "@easyqr/protocol";
import type { Detection } from "./decoder.ts";

/** Page → worker: one frame to read. */
export type DecodeRequest = { id: number; image: ImageData; formats: readonly BarcodeFormat[] };
/** Worker → page: what it found in that frame, or why it could not read. */
export type DecodeResponse = { id: number; detections: Detection[] } | { id: number; error: string };
