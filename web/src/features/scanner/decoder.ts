import type { BarcodeFormat } from "@easyqr/protocol";
import { fromNative, NATIVE_FORMATS } from "./formats.ts";

export type Detection = { text: string; format: BarcodeFormat };

/** Finds codes in the current video frame. */
export type Decoder = {
  readonly kind: "native" | "zxing";
  decode(video: HTMLVideoElement, formats: readonly BarcodeFormat[]): Promise<Detection[]>;
  close(): void;
};

type NativeDetector = { detect(source: CanvasImageSource): Promise<{ rawValue: string; format: string }[]> };
type NativeDetectorClass = {
  new (options?: { formats: string[] }): NativeDetector;
  getSupportedFormats(): Promise<string[]>;
};

/**
 * The browser's own BarcodeDetector when it can read QR codes here, else
 * zxing-wasm in a Web Worker (loaded only now, with its .wasm from our server).
 */
export async function createDecoder(): Promise<Decoder> {
  const native = await nativeDecoder().catch(() => null);
  if (native) return native;
  const { ZxingDecoder } = await import("./zxingDecoder.ts");
  return new ZxingDecoder();
}

async function nativeDecoder(): Promise<Decoder | null> {
  const Detector = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  const supported = (await Detector.getSupportedFormats()).filter((f) => NATIVE_FORMATS.includes(f));
  if (!supported.includes("qr_code")) return null;
  const detector = new Detector({ formats: supported });
  return {
    kind: "native",
    async decode(video, formats) {
      const found = await detector.detect(video);
      return found.map((r) => ({ text: r.rawValue, format: fromNative(r.format) })).filter((d) => d.text && formats.includes(d.format));
    },
    close() {},
  };
}
