/**
 * A scan's client id: 22 url-safe characters from 128 random bits. Uses
 * getRandomValues, which (unlike randomUUID) also works on plain-HTTP LAN pages.
 */
export function newClientId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(16));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
