import assert from "node:assert/strict";
import { get } from "node:https";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { selfSignedCertificate } from "../src/tls.ts";
import { startServer } from "./support/harness.ts";
import { TestSocket } from "./support/client.ts";

test("HTTPS=1 serves a self-signed certificate made once and kept in DATA_DIR", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "easyqr-tls-"));
  const tls = await selfSignedCertificate(dataDir, ["localhost", "127.0.0.1"]);
  assert.deepEqual(await selfSignedCertificate(dataDir, ["localhost"]), tls, "reused, not regenerated");
  const server = await startServer({ tls });
  try {
    assert.ok(server.url.startsWith("https://"));
    const body = await new Promise<string>((resolve, reject) => {
      get(`${server.url}/health`, { rejectUnauthorized: false }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve(text));
      }).on("error", reject);
    });
    assert.equal((JSON.parse(body) as { status: string }).status, "ok");
    const socket = await TestSocket.open(server.url, { rejectUnauthorized: false });
    socket.send({ code: "ABCD-EFGH" });
    assert.equal(await socket.failure(), "PAIR_CODE_INVALID");
  } finally {
    await server.close();
  }
});
