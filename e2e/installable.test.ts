import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { closeAll, launchPhone, track } from "./support/browsers.ts";
import { startServer, type RunningServer } from "./support/server.ts";

let server: RunningServer;
before(async () => (server = await startServer()));
after(async () => {
  await closeAll();
  await server?.stop();
});

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (data: Buffer) => ({ width: data.readUInt32BE(16), height: data.readUInt32BE(20) });

test(
  "installable: the manifest names 192, 512 and maskable PNG icons that exist at those sizes, and the service worker takes the page",
  { timeout: 90_000 },
  async () => {
    const { page } = await track(launchPhone());
    await page.goto(`${server.url}/`);
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    assert.ok(href, "the page links its manifest");
    const manifest = (await (await fetch(new URL(href, server.url))).json()) as {
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    assert.equal(manifest.display, "standalone");
    const wanted = [
      { sizes: "192x192", purpose: undefined },
      { sizes: "512x512", purpose: undefined },
      { sizes: "512x512", purpose: "maskable" },
    ];
    for (const want of wanted) {
      const icon = manifest.icons.find((i) => i.sizes === want.sizes && i.purpose === want.purpose);
      assert.ok(icon, `an icon ${want.sizes} ${want.purpose ?? "any"}`);
      const response = await fetch(new URL(icon.src, server.url));
      assert.equal(response.headers.get("content-type"), "image/png");
      const [width, height] = want.sizes.split("x").map(Number);
      assert.deepEqual(pngSize(Buffer.from(await response.arrayBuffer())), { width, height });
    }
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, `${server.url}/`);
  },
);
