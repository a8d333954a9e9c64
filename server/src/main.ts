import { buildApp } from "./app.ts";
import { lanAddress, loadConfig, redacted } from "./config.ts";
import { selfSignedCertificate } from "./tls.ts";

const config = loadConfig();
const lan = lanAddress();
const scheme = config.https ? "https" : "http";
const tls = config.https ? await selfSignedCertificate(config.dataDir, ["localhost", "127.0.0.1", ...(lan ? [lan] : [])]) : undefined;
const app = await buildApp({ config: { ...config, publicUrl: config.publicUrl ?? (lan ? `${scheme}://${lan}:${config.port}` : undefined) }, tls });
app.http.log.debug({ config: redacted(config) }, "configuration");

const local = await app.listen();
const port = new URL(local).port;
const shown = `${scheme}://localhost:${port}`;
app.http.log.info({ url: local, publicUrl: app.publicUrl(), allowedOrigins: [...app.allowedOrigins()] }, "EasyQR listening");
process.stdout.write(
  [
    "",
    `  EasyQR is running.`,
    `  App:      ${shown}/`,
    `  Desktop:  ${shown}/desktop`,
    `  Phones:   ${app.publicUrl()}/   (same network; ${config.https ? "accept the self-signed certificate once" : "the camera needs HTTPS=1 on phones"})`,
    `  Sign-in codes: ${config.otp.kind === "console" ? 'printed in this log as "OTP for <email or phone>: <code>"' : `sent by ${config.otp.kind}`}`,
    `  Database: ${app.database.engine === "sqlite" ? `SQLite in ${config.dataDir}` : "PostgreSQL"}    API: ${shown}/api/docs`,
    "",
    "",
  ].join("\n"),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    app.http.log.info(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
