import type { Page } from "playwright-core";

export type ShownSession = { sessionId: string; qrText: string; code: string };

/** Opens /desktop, chooses the scanner pairing (signed out, linking comes first), clicks "Create session" and returns what the page shows. */
export async function createSession(page: Page, server: string): Promise<ShownSession> {
  await page.goto(`${server}/desktop`);
  const create = page.getByRole("button", { name: "Create session" });
  const scanner = page.getByRole("button", { name: "Use your phone as a scanner instead" });
  await create.or(scanner).first().waitFor();
  if (await scanner.isVisible()) await scanner.click();
  await create.click();
  return shownSession(page);
}

/** The session, QR text and code the desktop page shows right now. */
export async function shownSession(page: Page): Promise<ShownSession> {
  const qr = page.getByRole("img", { name: /Pairing QR code/ });
  await qr.waitFor();
  await page.getByRole("status").filter({ hasText: "Waiting for phone…" }).waitFor();
  const qrText = (await qr.getAttribute("data-qr-text")) ?? "";
  const code = (await page.locator(".pairing .code").textContent()) ?? "";
  const stored = await page.evaluate(() => sessionStorage.getItem("easyqr.desktop"));
  const { sessionId } = JSON.parse(stored ?? "{}") as { sessionId: string };
  return { sessionId, qrText, code };
}

/** Waits until the desktop's status line says Connected. */
export async function desktopConnected(page: Page): Promise<string> {
  const status = page.getByRole("status").filter({ hasText: /^Connected/ });
  await status.waitFor();
  return (await status.textContent()) ?? "";
}
