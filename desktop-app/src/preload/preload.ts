// Preload of the EasyQR window (sandboxed, context-isolated). Exposes the
// small bridge from bridge.ts and nothing else: never ipcRenderer itself.
import { contextBridge, ipcRenderer } from "electron";
import { BRIDGE_KEY, createBridge } from "./bridge.ts";

contextBridge.exposeInMainWorld(
  BRIDGE_KEY,
  createBridge((channel, payload) => ipcRenderer.invoke(channel, payload)),
);
