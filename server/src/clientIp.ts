import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";
import ipaddr from "ipaddr.js";

/** A client's address as people read it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, a dual-stack listener's view) as plain IPv4. */
export function displayIp(address: string): string {
  if (address.length > 64 || !ipaddr.isValid(address)) return address.slice(0, 64);
  return ipaddr.process(address).toString();
}

/** Which hops of X-Forwarded-For to believe: Fastify's `trustProxy` and the socket's upgrade use the same one. */
export type ProxyTrust = (address: string, hop: number) => boolean;

/** TRUST_PROXY as a test of each hop's address; an empty list trusts no proxy. */
export function proxyTrust(proxies: readonly string[]): ProxyTrust {
  return proxyAddr.compile([...proxies]);
}

/** The client's address: the connection's, or behind trusted proxies the nearest untrusted one X-Forwarded-For names. */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  // Without X-Forwarded-For, proxy-addr's answer is the connection's address whatever it trusts; skip its parsing (every socket upgrade asks).
  if (request.headers["x-forwarded-for"] === undefined) return request.socket.remoteAddress ?? "";
  return proxyAddr(request, trust);
}
