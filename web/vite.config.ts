import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// The server (server/src/main.ts) serves web/dist with an SPA fallback on the same origin,
// so the app talks to `location.origin` for HTTP and `/ws` for the socket. Under `npm run dev` the
// socket's Origin is this dev server's: start the server with ALLOWED_ORIGINS=http://localhost:5173.
export default defineConfig({
  plugins: [
    react(),
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
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: "preact/compat/client" },
      { find: /^react\/jsx-runtime$/, replacement: "preact/jsx-runtime" },
      { find: /^react\/jsx-dev-runtime$/, replacement: "preact/jsx-dev-runtime" },
      { find: /^react(-dom)?$/, replacement: "preact/compat" },
    ],
  },
  worker: { format: "es" },
  build: {
    target: "es2022",
    // The zxing reader's .wasm is ~1 MB; keep it a file served by us, never inlined.
    assetsInlineLimit: (file) => (file.endsWith(".wasm") ? false : undefined),
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/ws": { target: "ws://127.0.0.1:3000", ws: true },
      "/create-session": "http://127.0.0.1:3000",
      "/health": "http://127.0.0.1:3000",
      "/api": "http://127.0.0.1:3000",
    },
  },
});
