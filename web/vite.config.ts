import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The server (server/src/main.ts) serves web/dist with an SPA fallback on the same origin,
// so the app talks to `location.origin` for HTTP and `/ws` for the socket. Under `npm run dev` the
// socket's Origin is this dev server's: start the server with ALLOWED_ORIGINS=http://localhost:5173.
export default defineConfig({
  plugins: [react()],
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
