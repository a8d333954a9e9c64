// Preload of the EasyQR window (sandboxed, context-isolated). Exposes the
// small bridge from bridge.ts and nothing else: never ipcRenderer itself.
import { contextBridge, ipcRenderer } from "electron";
import * as z from "zod";
import { BRIDGE_KEY, createBridge } from "./bridge.ts";

// No generated code: zod otherwise probes `new Function` on first parse, which
// a strict Content-Security-Policy on the page reports as a violation.
z.config({ jitless: true });

contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  createBridge((channel, payload) => ipcRenderer.invoke(channel, payload)),
);
