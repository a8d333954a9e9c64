import * as z from "zod/mini";

// No generated code: zod otherwise probes `new Function` when it builds its first object schema,
// which the server's Content-Security-Policy (no 'unsafe-eval') refuses and reports as a violation.
// The page (main.ts) and the decoder worker import it before anything that builds a schema.
z.config({ jitless: true });
