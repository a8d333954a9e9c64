import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import type * as QRCodeLib from "qrcode";

// The web client's own QR writer (a dependency of web/), for codes the desktop page does not show.
const QRCode = createRequire(new URL("../../web/package.json", import.meta.url))("qrcode") as typeof QRCodeLib;

export const FRAME = { width: 640, height: 480 } as const;

/**
 * Writes a grey picture as a 4:2:0 YUV4MPEG2 video for Chromium's
 * --use-file-for-fake-video-capture (which loops it). Chroma is neutral.
 */
export function writeY4m(path: string, luma: Uint8Array, width: number = FRAME.width, height: number = FRAME.height, frames = 5): void {
  if (width % 2 || height % 2) throw new Error("4:2:0 needs even dimensions");
  if (luma.length !== width * height) throw new Error(`expected ${width * height} luma bytes, got ${luma.length}`);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, "ascii");
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n", "ascii"), luma, chroma, chroma]);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

/** A QR code of `text`, black on white, centred in a frame with a wide quiet zone. */
export function lumaFromText(text: string, width: number = FRAME.width, height: number = FRAME.height): Uint8Array {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const cell = Math.floor((Math.min(width, height) * 0.8) / (modules.size + 8));
  const side = modules.size * cell;
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const luma = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (modules.get(Math.floor(y / cell), Math.floor(x / cell))) luma[(top + y) * width + left + x] = 0;
    }
  }
  return luma;
}

/**
 * Decodes a PNG (a screenshot) with the browser itself and returns its grey
 * levels, scaled to fit and centred on white in a width × height frame.
 */
export async function lumaFromPng(page: Page, png: Buffer, width: number = FRAME.width, height: number = FRAME.height): Promise<Uint8Array> {
  const base64 = await page.evaluate(
    async ({ data, width, height }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext("2d");
      if (!context) throw new Error("no 2d canvas");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, width, height);
      context.imageSmoothingEnabled = false;
      const scale = Math.min((width * 0.9) / image.width, (height * 0.9) / image.height);
      const w = Math.round(image.width * scale);
      const h = Math.round(image.height * scale);
      context.drawImage(image, Math.round((width - w) / 2), Math.round((height - h) / 2), w, h);
      const rgba = context.getImageData(0, 0, width, height).data;
      let binary = "";
      for (let i = 0; i < rgba.length; i += 4) {
        const y = Math.round(0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!);
        binary += String.fromCharCode(y);
      }
      return btoa(binary);
    },
    { data: png.toString("base64"), width, height },
  );
  return new Uint8Array(Buffer.from(base64, "base64"));
}
