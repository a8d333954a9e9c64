export * from "./auth.ts";
export * from "./contacts.ts";
export * from "./errors.ts";
export * from "./pairing.ts";
export * from "./qr.ts";
export * from "./scan.ts";
export * from "./socket.ts";
export * from "./users.ts";
