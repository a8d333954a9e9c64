import preact from "@preact/preset-vite";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// The server (server/src/main.ts) serves web/dist with an SPA fallback on the same origin,
// so the app talks to `location.origin` for HTTP and `/ws` for the socket. Under `npm run dev`
// (scripts/dev.mjs) this dev server passes those paths on to the API server on PORT, and the API
// server is started with this dev server's origin in ALLOWED_ORIGINS.
const api = `127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  plugins: [
    // Preact in React's place: JSX for Preact, react and react-dom (with react-dom/client and
    // react/jsx-dev-runtime) aliased to preact/compat, and under `vite` dev Prefresh's fast refresh.
    preact(),
    // The app shell (HTML, JS, CSS, icons) is precached by a service worker, so a reload without
    // network still shows the app (and its offline cache, features/offline). Never the server's own
    // paths: /api, /ws and the pairing routes always go to the network. A new build takes over at
    // once (autoUpdate: skipWaiting + clientsClaim) and drops the old precache. Not under `vite dev`.
    VitePWA({
      registerType: "autoUpdate",
      // A script file (registerSW.js), not inline: the page's CSP allows no inline script.
      injectRegister: "script",
      includeAssets: ["favicon.svg", "apple-touch-icon.png"],
      manifest: {
        name: "EasyQR",
        short_name: "EasyQR",
        description: "Chat with your contacts, add them by QR, and link your phone to this computer.",
        start_url: "/home",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#0b7a5c",
        icons: [
          { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg,png,webmanifest}"],
        navigateFallback: "/index.html",
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/ws(\/|$)/, /^\/create-session/, /^\/health/],
        cleanupOutdatedCaches: true,
        // A new build takes over open pages at once, and a first visit is served by it without a reload.
        skipWaiting: true,
        clientsClaim: true,
        // Nothing at run time: API answers and user files are never cached by the worker.
        runtimeCaching: [],
      },
    }),
  ],
  worker: { format: "es" },
  build: {
    target: "es2022",
    // The zxing reader's .wasm is ~1 MB; keep it a file served by us, never inlined.
    assetsInlineLimit: (file) => (file.endsWith(".wasm") ? false : undefined),
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/ws": { target: `ws://${api}`, ws: true },
      "/create-session": `http://${api}`,
      "/health": `http://${api}`,
      "/api": `http://${api}`,
    },
  },
});
