import { SESSION_KEY } from "./api/sessionKey.ts";
import { paths } from "./paths.ts";

const container = document.getElementById("root");
if (!container) throw new Error("#root is missing from index.html");

/**
 * zod is configured before any schema is built (zodConfig.ts), then the app follows. Both by dynamic
 * import, one after the other: the one order a bundler keeps when it splits modules into chunks (a
 * statically imported chunk, say the protocol's schemas, would run before this file's own code).
 */
async function loadApp(): Promise<(container: HTMLElement) => void> {
  await import("./zodConfig.ts");
  return (await import("./app.tsx")).mountApp;
}

function storedSession(): boolean {
  try {
    return localStorage.getItem(SESSION_KEY) !== null;
  } catch {
    return false;
  }
}

// A signed-out visit of the start page (most first visits) shows it alone, and the app loads when the
// visitor leaves it; anything else loads the app at once.
if (location.pathname === paths.landing && !storedSession()) void import("./firstScreen.tsx").then((m) => m.mountStartPage(container, loadApp));
else void loadApp().then((mountApp) => mountApp(container));
