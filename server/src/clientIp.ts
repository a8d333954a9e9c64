import ipaddr from "ipaddr.js";

/** A client's address as people read it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, a dual-stack listener's view) as plain IPv4. */
export function displayIp(address: string): string {
  if (address.length > 64 || !ipaddr.isValid(address)) return address.slice(0, 64);
  return ipaddr.process(address).toString();
}
