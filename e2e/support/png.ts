import { deflateSync } from "node:zlib";

const table = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (table[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * An RGB PNG: a sky-to-sea gradient with a sun, grained with noise so it does not compress much
 * (a 1200 × 900 one is about 1 MB: big enough to watch an upload's progress).
 */
export function scenicPng(width: number, height: number, grain = 48): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed % grain) - grain / 2;
  };
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    const t = y / height;
    for (let x = 0; x < width; x++) {
      const sun = Math.hypot(x - width * 0.7, y - height * 0.35) < height * 0.12;
      const sea = t > 0.6;
      const [r, g, b] = sun ? [255, 214, 90] : sea ? [20, 90 + 60 * (1 - t), 140 + 60 * (1 - t)] : [120 + 100 * t, 170 + 50 * t, 240];
      const i = row + 1 + x * 3;
      raw[i] = clamp(r + noise());
      raw[i + 1] = clamp(g + noise());
      raw[i + 2] = clamp(b + noise());
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
