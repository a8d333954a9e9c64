import ipaddr from "ipaddr.js";

/** Ranges of addresses that only make sense on the same local network. */
const localRanges = new Set(["private", "loopback", "linkLocal", "uniqueLocal", "carrierGradeNat"]);

/**
 * Whether two client addresses look like one network (what the phone shows beside the desktop's
 * IP): the same address (one NAT), or both private and in the same /24 (IPv4) or /64 (IPv6).
 * IPv4-mapped IPv6 addresses count as IPv4. Unparseable addresses are never the same network.
 */
export function sameNetwork(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y || x.kind() !== y.kind()) return false;
  if (x.toNormalizedString() === y.toNormalizedString()) return true;
  if (!localRanges.has(x.range()) || !localRanges.has(y.range())) return false;
  return x.match(y, x.kind() === "ipv4" ? 24 : 64);
}

function parse(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (address.length > 64 || !ipaddr.isValid(address)) return null;
  return ipaddr.process(address);
}
