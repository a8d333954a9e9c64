import type { ConsoleMessage } from "playwright-core";
import type { Opened } from "./browsers.ts";

/**
 * Collects every Content-Security-Policy violation of this browser's pages and their workers:
 * the `securitypolicyviolation` events of each document (from before its first script) and the
 * messages Chromium logs for them ("Refused to …"), also from workers. Each is added to `violations`.
 */
export async function collectCspViolations(opened: Opened, violations: string[]): Promise<void> {
  await opened.context.exposeBinding("__cspViolation", (_source, text: string) => void violations.push(text));
  // A string, not a function: the test runner's transpiler would add helpers the page does not have.
  await opened.context.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolation(e.effectiveDirective + " refused " + (e.blockedURI || "inline") + " in " + e.documentURI + " (" + e.sourceFile + ":" + e.lineNumber + ")");
    });`,
  });
  const fromConsole = (where: string) => (message: ConsoleMessage) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`${where}: ${message.text()}`);
  };
  opened.page.on("console", fromConsole("console"));
  opened.page.on("worker", (worker) => worker.on("console", fromConsole(`worker ${worker.url()}`)));
}
