import "../../zodConfig.ts";
import { prepareZXingModule, readBarcodes } from "zxing-wasm/reader";
import wasmUrl from "zxing-wasm/reader/zxing_reader.wasm?url";
import type { BarcodeFormat } from "@easyqr/protocol";
import type { DecodeRequest, DecodeResponse } from "./decodeMessages.ts";
import { fromZxing } from "./formats.ts";

// The .wasm comes from our own server (Vite emits it into dist/assets), never from a CDN.
prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) => (path.endsWith(".wasm") ? new URL(wasmUrl, self.location.href).href : prefix + path),
  },
});

/** The worker's global scope, as far as this file uses it (the project's lib is DOM, not WebWorker). */
type WorkerScope = {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeResponse): void;
};
const scope = self as unknown as WorkerScope;

scope.onmessage = (event: MessageEvent<DecodeRequest>) => void decode(event.data).then((reply) => scope.postMessage(reply));

async function decode({ id, image, formats }: DecodeRequest): Promise<DecodeResponse> {
  try {
    const wanted = formats.filter((f): f is Exclude<BarcodeFormat, "Unknown"> => f !== "Unknown");
    const results = await readBarcodes(image, { formats: wanted, tryHarder: true, maxNumberOfSymbols: 4 });
    const detections = results.filter((r) => r.isValid && r.text).map((r) => ({ text: r.text, format: fromZxing(r.format, r.symbology) }));
    return { id, detections };
  } catch (error) {
    return { id, error: String(error) };
  }
}
