import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const executablePath = "/usr/bin/chromium";
const baseArgs = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

/** A phone's user agent, so the desktop shows a phone-like device name. */
const phoneUserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";

export type Opened = { browser: Browser; context: BrowserContext; page: Page; errors: string[] };

async function open(args: string[], contextOptions: Parameters<Browser["newContext"]>[0]): Promise<Opened> {
  const browser = await chromium.launch({ executablePath, args: [...baseArgs, ...args], headless: true });
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return { browser, context, page, errors };
}

/** What the operating system says about light and dark (prefers-color-scheme); light unless asked. */
export type ColorScheme = "light" | "dark";

/** A desktop browser window, 1280 × 800. */
export function launchDesktop(colorScheme: ColorScheme = "light"): Promise<Opened> {
  return open([], { viewport: { width: 1280, height: 800 }, colorScheme });
}

/**
 * A phone, 390 × 844. With `video`, its camera is Chromium's fake device
 * playing that .y4m file (absolute path) and camera access is granted.
 */
export function launchPhone(video?: string, colorScheme: ColorScheme = "light"): Promise<Opened> {
  const camera = video ? ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`] : [];
  return open(camera, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: phoneUserAgent,
    colorScheme,
  });
}

/** Saves a screenshot when E2E_SHOTS names a folder (for looking at the pages, not for asserting). */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

const opened: Opened[] = [];

/** Remembers a launched browser so `closeAll` closes it, whatever the test did. */
export async function track(launching: Promise<Opened>): Promise<Opened> {
  const value = await launching;
  opened.push(value);
  return value;
}

/** Closes every tracked browser, printing what its pages logged as errors. */
export async function closeAll(): Promise<void> {
  for (const o of opened.splice(0)) {
    if (o.errors.length) console.log(`browser messages:\n  ${o.errors.join("\n  ")}`);
    await o.browser.close().catch(() => undefined);
  }
}
