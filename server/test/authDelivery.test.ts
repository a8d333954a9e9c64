import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { SMTPServer } from "smtp-server";
import { RequestCodeResponse } from "@easyqr/protocol";
import { call, codeOf, newEmail } from "./support/api.ts";
import { startServer } from "./support/harness.ts";

type Mail = { from: string; to: string[]; raw: string };

describe("smtp driver", () => {
  const mails: Mail[] = [];
  let smtp: SMTPServer;
  let port = 0;
  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, session, done) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString(),
          });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

  test("sends the code by email, and the emailed code signs in", async () => {
    const server = await startServer({ env: { OTP_DRIVER: "smtp", SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: "EasyQR <codes@easyqr.test>" } });
    try {
      const email = newEmail("mail");
      const reply = await call(server, "POST", "/api/auth/request-code", { body: { email } });
      assert.equal(reply.status, 200);
      const mail = mails.at(-1);
      assert.ok(mail, "an email arrived");
      assert.deepEqual(mail.to, [email]);
      assert.equal(mail.from, "codes@easyqr.test");
      const code = /\b([0-9]{6}) is your EasyQR/.exec(mail.raw)?.[1];
      assert.ok(code, mail.raw);
      assert.ok(!server.logs.some((l) => l.msg.includes(code)), "the code is not in the log");
      const { requestId } = RequestCodeResponse.parse(reply.body);
      assert.equal((await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code } })).status, 200);
    } finally {
      await server.close();
    }
  });

  test("an unreachable SMTP server gives 503 AUTH_DELIVERY_FAILED", async () => {
    const server = await startServer({ env: { OTP_DRIVER: "smtp", SMTP_URL: "smtp://127.0.0.1:1" } });
    try {
      const reply = await call(server, "POST", "/api/auth/request-code", { body: { email: newEmail() } });
      assert.equal(reply.status, 503);
      assert.equal(codeOf(reply), "AUTH_DELIVERY_FAILED");
    } finally {
      await server.close();
    }
  });
});

describe("sms driver (Twilio-compatible)", () => {
  type Received = { method: string; url: string; authorization: string | undefined; contentType: string | undefined; form: URLSearchParams };
  const received: Received[] = [];
  let status = 201;
  let gateway: Server;
  let gatewayUrl = "";
  before(async () => {
    gateway = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({
          method: request.method ?? "",
          url: request.url ?? "",
          authorization: request.headers.authorization,
          contentType: request.headers["content-type"],
          form: new URLSearchParams(Buffer.concat(chunks).toString()),
        });
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ sid: "SM1", status: "queued" }));
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => gateway.close(() => resolve())));

  const env = () => ({
    OTP_DRIVER: "sms",
    SMS_URL: gatewayUrl,
    SMS_ACCOUNT: "AC123",
    SMS_TOKEN: "secret-token",
    SMS_FROM: "+15005550006",
    DEFAULT_REGION: "US",
  });

  test("posts the message like Twilio's API, and the texted code signs in", async () => {
    const server = await startServer({ env: env() });
    try {
      status = 201;
      const reply = await call(server, "POST", "/api/auth/request-code", { body: { phone: "(201) 555-0123" } });
      assert.equal(reply.status, 200);
      const request = received.at(-1);
      assert.ok(request);
      assert.equal(request.method, "POST");
      assert.equal(request.url, "/2010-04-01/Accounts/AC123/Messages.json");
      assert.equal(request.authorization, `Basic ${Buffer.from("AC123:secret-token").toString("base64")}`);
      assert.equal(request.contentType, "application/x-www-form-urlencoded");
      assert.equal(request.form.get("To"), "+12015550123");
      assert.equal(request.form.get("From"), "+15005550006");
      const code = /^([0-9]{6}) is your EasyQR/.exec(request.form.get("Body") ?? "")?.[1];
      assert.ok(code);
      const { requestId } = RequestCodeResponse.parse(reply.body);
      assert.equal((await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code } })).status, 200);
    } finally {
      await server.close();
    }
  });

  test("a gateway error gives 503 AUTH_DELIVERY_FAILED, and the token stays out of the log", async () => {
    const server = await startServer({ env: env() });
    try {
      status = 500;
      const reply = await call(server, "POST", "/api/auth/request-code", { body: { phone: "+1 201 555 0124" } });
      assert.equal(reply.status, 503);
      assert.equal(codeOf(reply), "AUTH_DELIVERY_FAILED");
      assert.ok(!JSON.stringify(server.logs).includes("secret-token"));
    } finally {
      status = 201;
      await server.close();
    }
  });
});
