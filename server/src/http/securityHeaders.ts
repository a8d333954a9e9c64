import type { FastifyReply } from "fastify";

/**
 * The page's Content-Security-Policy: nothing inline, nothing from elsewhere. `wasm-unsafe-eval`
 * lets the scanner's worker compile zxing's .wasm (served by us); it allows no string eval.
 * Images may be `blob:` (attachments, avatar previews) and `data:` (QR codes). The socket is
 * `ws(s)://` to the allowed origins: CSP3's `'self'` covers a same-host socket, older engines not.
 */
export function contentSecurityPolicy(socketOrigins: Iterable<string>): string {
  // CSP's host grammar has no IPv6 literals (Chromium ignores them noisily); `'self'` covers a page opened that way.
  const sockets = [...socketOrigins].filter((origin) => !origin.includes("//[")).map((origin) => origin.replace(/^http/, "ws"));
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    `connect-src ${["'self'", ...sockets].join(" ")}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The camera for our own pages (the scanner); microphone and location for nobody. */
export const permissionsPolicy = "camera=(self), microphone=(), geolocation=()";

/**
 * Sets the security headers on an answer: `onSend` calls it for every page, asset, API answer and
 * error, and Fastify's `frameworkErrors` (which skip the hooks) too. A route that set its own
 * stricter policy (user files: `sandbox`; the API docs page) keeps it.
 */
export function securityHeaders(socketOrigins: () => ReadonlySet<string>): (reply: FastifyReply) => void {
  let policy: { origins: ReadonlySet<string>; header: string } | undefined;
  return (reply) => {
    const origins = socketOrigins();
    if (policy?.origins !== origins) policy = { origins, header: contentSecurityPolicy(origins) };
    if (!reply.hasHeader("content-security-policy")) void reply.header("content-security-policy", policy.header);
    void reply.header("x-content-type-options", "nosniff").header("referrer-policy", "no-referrer").header("permissions-policy", permissionsPolicy);
  };
}
