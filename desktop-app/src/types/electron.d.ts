// Types for the parts of the Electron API that desktop-app uses, and only those.
//
// Why this file exists: `electron` is an optionalDependency whose install
// script downloads a ~100 MB binary. Where that download is blocked (our build
// machines), npm drops the whole package, its bundled `electron.d.ts` with it,
// and `import … from "electron"` would not type-check.
//
// Why a module mapped by `paths` in desktop-app/tsconfig.json rather than an
// ambient `declare module "electron"`: on a machine where Electron does
// install, its own `electron.d.ts` also declares the ambient module and the
// two would merge or clash. With `paths`, TypeScript always resolves
// "electron" to this file, installed or not, so the type-check gives the same
// answer everywhere. esbuild keeps `electron` external, so at run time the
// real module is used.
//
// Signatures follow Electron 39's electron.d.ts (narrowed where that file
// says `any`). Add members here when the code starts using them.

export type Event<Params extends object = object> = Params & {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
};

export type WebFrameMain = {
  readonly url: string;
  readonly origin: string;
  readonly parent: WebFrameMain | null;
  readonly top: WebFrameMain | null;
};

export type WebPreferences = {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  webviewTag?: boolean;
  experimentalFeatures?: boolean;
  navigateOnDragDrop?: boolean;
  spellcheck?: boolean;
  safeDialogs?: boolean;
};

export type BrowserWindowConstructorOptions = {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  autoHideMenuBar?: boolean;
  webPreferences?: WebPreferences;
};

/** Parameters of will-navigate, will-redirect and will-frame-navigate. */
export type NavigationEventParams = {
  readonly url: string;
  readonly isMainFrame: boolean;
  readonly isSameDocument: boolean;
  readonly frame: WebFrameMain | null;
  readonly initiator: WebFrameMain | null;
};

export type HandlerDetails = {
  readonly url: string;
  readonly frameName: string;
  readonly features: string;
  readonly disposition: "default" | "foreground-tab" | "background-tab" | "new-window" | "other";
};

export type WindowOpenHandlerResponse = { action: "deny" } | { action: "allow"; overrideBrowserWindowOptions?: BrowserWindowConstructorOptions };

export type PermissionRequestDetails = {
  readonly requestingUrl: string;
  readonly isMainFrame: boolean;
};

export type PermissionCheckDetails = {
  readonly requestingUrl?: string;
  readonly embeddingOrigin?: string;
  readonly isMainFrame: boolean;
};

export type Session = {
  setPermissionRequestHandler(
    handler: ((webContents: WebContents, permission: string, callback: (permissionGranted: boolean) => void, details: PermissionRequestDetails) => void) | null,
  ): void;
  setPermissionCheckHandler(
    handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string, details: PermissionCheckDetails) => boolean) | null,
  ): void;
};

export type WebContents = {
  readonly id: number;
  readonly session: Session;
  getURL(): string;
  isDestroyed(): boolean;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  on(event: "will-navigate" | "will-redirect", listener: (event: Event<NavigationEventParams>) => void): WebContents;
  on(event: "will-attach-webview", listener: (event: Event) => void): WebContents;
  on(
    event: "did-fail-load",
    listener: (event: Event, errorCode: number, errorDescription: string, validatedURL: string, isMainFrame: boolean) => void,
  ): WebContents;
};

export declare class BrowserWindow {
  constructor(options?: BrowserWindowConstructorOptions);
  static getAllWindows(): BrowserWindow[];
  static getFocusedWindow(): BrowserWindow | null;
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  once(event: "ready-to-show", listener: () => void): this;
}

export type App = {
  enableSandbox(): void;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  setAppUserModelId(id: string): void;
  /** False where the platform shows no count (Windows, most Linux desktops). */
  setBadgeCount(count?: number): boolean;
  quit(): void;
  exit(exitCode?: number): void;
  on(event: "second-instance" | "window-all-closed" | "activate", listener: () => void): App;
  on(event: "web-contents-created", listener: (event: Event, webContents: WebContents) => void): App;
};
export declare const app: App;

export type IpcMainInvokeEvent = Event<{
  readonly processId: number;
  readonly frameId: number;
  readonly sender: WebContents;
  readonly senderFrame: WebFrameMain | null;
}>;

export declare const ipcMain: {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
};

export declare const ipcRenderer: {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
};

export declare const contextBridge: {
  exposeInMainWorld(apiKey: string, api: unknown): void;
};

export declare const session: {
  readonly defaultSession: Session;
};

export declare const shell: {
  openExternal(url: string, options?: { activate?: boolean }): Promise<void>;
};

export type NotificationConstructorOptions = {
  title?: string;
  subtitle?: string;
  body?: string;
  silent?: boolean;
};

export declare class Notification {
  constructor(options?: NotificationConstructorOptions);
  static isSupported(): boolean;
  show(): void;
  close(): void;
  on(event: "click" | "close" | "show", listener: (event: Event) => void): this;
}

export type MessageBoxOptions = {
  message: string;
  type?: "none" | "info" | "error" | "question" | "warning";
  buttons?: string[];
  defaultId?: number;
  cancelId?: number;
  title?: string;
  detail?: string;
  noLink?: boolean;
};

export declare const dialog: {
  showMessageBox(window: BrowserWindow, options: MessageBoxOptions): Promise<{ response: number; checkboxChecked: boolean }>;
  showErrorBox(title: string, content: string): void;
};
