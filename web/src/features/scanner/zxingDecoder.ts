import type { BarcodeFormat } from "@easyqr/protocol";
import type { DecodeRequest, DecodeResponse } from "./decodeMessages.ts";
import type { Decoder, Detection } from "./decoder.ts";

/** Largest side of the frame handed to the worker: enough for a QR across a phone screen, cheap to read. */
const MAX_SIDE = 960;

/** zxing-wasm in a Web Worker; frames are copied out of the video through a canvas. */
export class ZxingDecoder implements Decoder {
  readonly kind = "zxing";
  private readonly worker = new Worker(new URL("./decode.worker.ts", import.meta.url), { type: "module", name: "easyqr-decoder" });
  private readonly canvas = document.createElement("canvas");
  private readonly context = this.canvas.getContext("2d", { willReadFrequently: true });
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (d: Detection[]) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker.onmessage = (event: MessageEvent<DecodeResponse>) => {
      const entry = this.waiting.get(event.data.id);
      if (!entry) return;
      this.waiting.delete(event.data.id);
      if ("error" in event.data) entry.reject(new Error(event.data.error));
      else entry.resolve(event.data.detections);
    };
    this.worker.onerror = (event) => {
      for (const entry of this.waiting.values()) entry.reject(new Error(event.message || "decoder failed"));
      this.waiting.clear();
    };
  }

  decode(video: HTMLVideoElement, formats: readonly BarcodeFormat[]): Promise<Detection[]> {
    const { videoWidth: w, videoHeight: h } = video;
    if (!this.context || w === 0 || h === 0) return Promise.resolve([]);
    const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    this.canvas.width = Math.round(w * scale);
    this.canvas.height = Math.round(h * scale);
    this.context.drawImage(video, 0, 0, this.canvas.width, this.canvas.height);
    const image = this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
    const id = this.nextId++;
    const request: DecodeRequest = { id, image, formats };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(request, [image.data.buffer]);
    });
  }

  close(): void {
    this.worker.terminate();
    for (const entry of this.waiting.values()) entry.reject(new Error("decoder closed"));
    this.waiting.clear();
  }
}
