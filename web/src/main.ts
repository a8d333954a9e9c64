// zod is configured before any schema is built (zodConfig.ts). The app follows by dynamic import:
// the one order a bundler keeps when it splits modules into chunks (a statically imported chunk,
// say the protocol's schemas, would run before this file's own code).
import "./zodConfig.ts";

void import("./app.tsx");
