/**
 * A browser socket must come from a page of ours: the public URL or the
 * host it connected to. Clients that send no Origin (native apps, tools) pass.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin === new URL(publicUrl).origin) return true;
  return host !== undefined && parsed.host === host;
}
