import { crc32 } from "node:zlib";
import sharp from "sharp";

/** A solid image of this format and size. */
export function solidImage(format: "jpeg" | "png" | "webp", width = 64, height = 64, color = { r: 200, g: 30, b: 60 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } })
    .toFormat(format)
    .toBuffer();
}

/** 300×200, left half red and right half blue, as a JPEG whose EXIF says "rotate 90° clockwise", with a marker in its metadata. */
export async function rotatedJpeg(marker: string): Promise<Buffer> {
  const half = (r: number, b: number) =>
    sharp({ create: { width: 150, height: 200, channels: 3, background: { r, g: 0, b } } })
      .png()
      .toBuffer();
  return sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite([
      { input: await half(255, 0), left: 0, top: 0 },
      { input: await half(0, 255), left: 150, top: 0 },
    ])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Copyright: marker, ImageDescription: marker } })
    .toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A ~60-byte PNG whose header claims width × height (a "pixel flood" / decompression bomb header). */
export function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A valid PNG carrying HTML in a text chunk and after its end. */
export async function polyglotPng(payload: string): Promise<Buffer> {
  const png = await solidImage("png", 32, 32);
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk("tEXt", Buffer.from(`Comment\0${payload}`, "latin1")), png.subarray(iend), Buffer.from(payload)]);
}

/** Reads one pixel of an encoded image. */
export async function pixel(image: Buffer, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return { r: data[at] ?? 0, g: data[at + 1] ?? 0, b: data[at + 2] ?? 0 };
}
