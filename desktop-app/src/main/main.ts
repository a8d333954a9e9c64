// Electron main process: wiring only. Reads the config, sandboxes every
// renderer, guards every web contents, registers the IPC map, opens the window.
import { BrowserWindow, app, dialog, session } from "electron";
import { ConfigError, parseConfig, type DesktopConfig } from "./config.ts";
import { registerIpc } from "./registerIpc.ts";
import { log } from "./log.ts";
import { applyPermissionPolicy, createWindow, focusWindow, guardWebContents } from "./window.ts";

function readConfig(): DesktopConfig | null {
  try {
    return parseConfig({ argv: process.argv, env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    log.error(error.message);
    void app.whenReady().then(() => {
      dialog.showErrorBox("EasyQR", error.message);
      app.exit(1);
    });
    return null;
  }
}

function start(config: DesktopConfig): void {
  log.info(`showing ${config.desktopUrl} (server from ${config.source})`);
  app.on("web-contents-created", (_event, contents) => guardWebContents(contents, config));
  app.on("second-instance", focusWindow);
  app.on("window-all-closed", () => {
    if (process.platform !== "darwin") app.quit();
  });
  app.on("activate", () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(config);
  });
  void app.whenReady().then(() => {
    applyPermissionPolicy(session.defaultSession, config);
    registerIpc(config);
    createWindow(config);
  });
}

// Before "ready": every renderer runs in Chromium's sandbox, whatever a
// BrowserWindow asks for.
app.enableSandbox();
// Windows shows notifications only for an app with an id; the installer registers this one
// (electron-builder's appId), and naming it here covers a run from the source tree too.
if (process.platform === "win32") app.setAppUserModelId("app.easyqr.desktop");

const config = readConfig();
if (config) {
  if (app.requestSingleInstanceLock()) start(config);
  else app.quit();
}
