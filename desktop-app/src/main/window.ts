// The EasyQR window and the rules every web contents of the app lives under.
// The decisions are in urlPolicy.ts and permissions.ts; this file wires them
// to Electron's events.
import { join } from "node:path";
import { BrowserWindow, app, dialog, shell, type Session, type WebContents } from "electron";
import type { DesktopConfig } from "./config.ts";
import { log } from "./log.ts";
import { isPermissionAllowed } from "./permissions.ts";
import { externalLinkTarget, isAllowedNavigation, isDesktopUrl } from "./urlPolicy.ts";

/** Chromium's net::ERR_ABORTED: a navigation we (or the page) cancelled, not a failure. */
const ERR_ABORTED = -3;

/** Applied to every web contents the app creates (app "web-contents-created"). */
export function guardWebContents(contents: WebContents, config: DesktopConfig): void {
  const refuseForeign = (event: { url: string; preventDefault(): void }, what: string) => {
    if (isAllowedNavigation(event.url, config)) return;
    event.preventDefault();
    log.warn(`${what} to ${event.url} refused: only ${config.server} is shown`);
  };
  contents.on("will-navigate", (event) => refuseForeign(event, "navigation"));
  contents.on("will-redirect", (event) => refuseForeign(event, "redirect"));
  contents.on("will-attach-webview", (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalLinkTarget(url);
    if (external) {
      shell.openExternal(external).catch((error: unknown) => log.warn(`could not open ${external}: ${String(error)}`));
    } else {
      log.warn(`window.open of ${url} refused`);
    }
    return { action: "deny" };
  });
}

/** Only clipboard writes, only for the configured server; everything else is refused. */
export function applyPermissionPolicy(session: Session, config: DesktopConfig): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(permission, details.requestingUrl, config);
    if (!allowed) log.warn(`permission ${permission} refused for ${details.requestingUrl}`);
    callback(allowed);
  });
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionAllowed(permission, details.requestingUrl ?? contents?.getURL() ?? "", config),
  );
}

/** Brings the app's window forward: a second launch, a click on a notification. */
export function focusWindow(): void {
  const [win] = BrowserWindow.getAllWindows();
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

export function createWindow(config: DesktopConfig): BrowserWindow {
  // The strict check: the window only ever starts on <server>/desktop.
  if (!isDesktopUrl(config.desktopUrl, config)) {
    throw new Error(`refusing to load ${config.desktopUrl}: not the /desktop page of ${config.server}`);
  }
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 420,
    minHeight: 560,
    show: false,
    title: "EasyQR",
    backgroundColor: "#ffffff",
    autoHideMenuBar: true,
    webPreferences: {
      // main.cjs and preload.cjs sit side by side in dist/ (CommonJS bundles).
      preload: join(__dirname, "preload.cjs"),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  win.once("ready-to-show", () => win.show());

  let asking = false;
  win.webContents.on("did-fail-load", (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
    if (!isMainFrame || errorCode === ERR_ABORTED || asking || win.isDestroyed()) return;
    asking = true;
    log.warn(`could not load ${validatedURL}: ${errorDescription} (${errorCode})`);
    win.show();
    dialog
      .showMessageBox(win, {
        type: "error",
        title: "EasyQR",
        message: `EasyQR could not reach ${config.server}`,
        detail: `${errorDescription}\n\nStart the server with "npm start", or point the app at another one with EASYQR_SERVER=<url> or --server=<url>.`,
        buttons: ["Retry", "Quit"],
        defaultId: 0,
        cancelId: 1,
        noLink: true,
      })
      .then(({ response }) => {
        asking = false;
        if (response === 0) load(win, config);
        else app.quit();
      })
      .catch((error: unknown) => log.error(`dialog failed: ${String(error)}`));
  });

  load(win, config);
  return win;
}

function load(win: BrowserWindow, config: DesktopConfig): void {
  // A failed load rejects here and also emits did-fail-load, which handles it.
  win.loadURL(config.desktopUrl).catch(() => undefined);
}
