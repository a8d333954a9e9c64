import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type TlsFiles = { key: string; cert: string };

/** A self-signed certificate made on first start and kept in DATA_DIR/tls, so phones can use the camera over the LAN. */
export async function selfSignedCertificate(dataDir: string, hosts: string[]): Promise<TlsFiles> {
  const dir = join(dataDir, "tls");
  try {
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } catch {
    mkdirSync(dir, { recursive: true });
    const altNames = hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }));
    // Loaded only here: a server without HTTPS never needs it (its X.509 code is ~15 MB of memory).
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: "EasyQR local" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames }],
    });
    writeFileSync(join(dir, "key.pem"), pems.private, { mode: 0o600 });
    writeFileSync(join(dir, "cert.pem"), pems.cert);
    return { key: pems.private, cert: pems.cert };
  }
}
