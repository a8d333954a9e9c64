// Which EasyQR server the desktop app shows. Parsed once at start from the
// command line (`--server=<url>`) or the environment (`EASYQR_SERVER`).
// Pure: no `electron` import, so it is unit-tested and also used by
// scripts/launch.mjs (through dist/config.cjs) to print the right URL.
import * as z from "zod";

export const DEFAULT_SERVER = "http://localhost:3000";

export type ConfigSource = "argument" | "environment" | "default";

export type DesktopConfig = Readonly<{
  /** `http(s)://host[:port][/base]`, no trailing slash. */
  server: string;
  /** `new URL(server).origin`: the only origin the window may show. */
  origin: string;
  /** Path prefix the server is mounted under: "" or e.g. "/easyqr". */
  basePath: string;
  /** The page the window opens: `<server>/desktop`. */
  desktopUrl: string;
  source: ConfigSource;
}>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const ServerUrl = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(2048, "is too long")
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "is not a URL" });
      return z.NEVER;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: "must start with http:// or https://" });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "must not contain a user name or password" });
      return z.NEVER;
    }
    if (url.search || url.hash) {
      ctx.addIssue({ code: "custom", message: "must not contain a query or a fragment" });
      return z.NEVER;
    }
    return url;
  });

/** The value of the last `--server=<url>` or `--server <url>` in argv, if any. */
export function serverArgument(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  argv.forEach((arg, i) => {
    if (arg.startsWith("--server=")) found = arg.slice("--server=".length);
    else if (arg === "--server") found = argv[i + 1] ?? "";
  });
  return found;
}

export function parseConfig(input: { argv: readonly string[]; env: Readonly<Record<string, string | undefined>> }): DesktopConfig {
  const fromArg = serverArgument(input.argv);
  const fromEnv = input.env["EASYQR_SERVER"];
  const [raw, source]: [string, ConfigSource] =
    fromArg !== undefined ? [fromArg, "argument"] : fromEnv !== undefined && fromEnv.trim() !== "" ? [fromEnv, "environment"] : [DEFAULT_SERVER, "default"];

  const parsed = ServerUrl.safeParse(raw);
  if (!parsed.success) {
    const where = source === "argument" ? "--server" : "EASYQR_SERVER";
    const why = parsed.error.issues.map((issue) => issue.message).join(", ");
    throw new ConfigError(`The server URL ${JSON.stringify(raw)} (from ${where}) ${why}. Example: ${DEFAULT_SERVER}`);
  }
  const url = parsed.data;
  const basePath = url.pathname.replace(/\/+$/, "");
  const server = `${url.origin}${basePath}`;
  return Object.freeze({ server, origin: url.origin, basePath, desktopUrl: `${server}/desktop`, source });
}
