import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import { Attachment } from "@easyqr/protocol";
import { codeOf } from "./api.ts";
import type { TestServer } from "./harness.ts";

export type UploadReply = { status: number; body: unknown; code: string | undefined; headers: Headers };

/** Uploads `data` to a chat as the multipart field `file` (or another field). */
export async function uploadTo(
  server: TestServer,
  chatId: string,
  data: Uint8Array,
  options: { token?: string; name?: string; type?: string; field?: string } = {},
): Promise<UploadReply> {
  const form = new FormData();
  form.append(options.field ?? "file", new Blob([data], { type: options.type ?? "application/octet-stream" }), options.name ?? "upload.bin");
  const response = await fetch(`${server.url}/api/chats/${chatId}/attachments`, {
    method: "POST",
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    body: form,
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  return { status: response.status, body, code: codeOf({ status: response.status, body, headers: response.headers }), headers: response.headers };
}

/** Uploads and expects success: the attachment, parsed. */
export async function uploaded(server: TestServer, chatId: string, data: Uint8Array, options: Parameters<typeof uploadTo>[3]): Promise<Attachment> {
  const reply = await uploadTo(server, chatId, data, options);
  if (reply.status !== 200) throw new Error(`upload: ${reply.status} ${JSON.stringify(reply.body)}`);
  return Attachment.parse(reply.body);
}

/** GETs a file path with an optional token and headers. */
export async function download(server: TestServer, path: string, token?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  return { response, data: Buffer.from(await response.arrayBuffer()) };
}

/** The multipart framing around one file: send `head`, the file's bytes, then `tail`. */
export function multipartFraming(name = "big.bin", field = "file") {
  const boundary = `----easyqr${randomUUID().replaceAll("-", "")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, head, tail };
}

export type Part = { name: string; filename?: string; data: Buffer | string };

/** A multipart/form-data body of exactly these parts, in order (a part with `filename` is a file). */
export function multipartBody(parts: Part[]): { contentType: string; body: Buffer } {
  const boundary = `----easyqr${randomUUID().replaceAll("-", "")}`;
  const chunks = parts.flatMap((part) => {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? "" : `; filename="${part.filename}"`}`;
    const type = part.filename === undefined ? "" : "Content-Type: application/octet-stream\r\n";
    return [Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.data), Buffer.from("\r\n")];
  });
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]) };
}

export type RawReply = { status: number; body: string; bytesSent: number; finishedSending: boolean };

/**
 * A POST whose body comes from `chunks` as fast as the socket takes it, answered whenever the
 * server answers: `bytesSent` says how much of the body had gone out by then (the rest was never
 * sent). `contentLength` undefined sends the body chunked; `hold` leaves the body unfinished
 * after the chunks, as a client still uploading.
 */
export function rawUpload(
  server: TestServer,
  path: string,
  token: string,
  body: { contentType: string; contentLength: number | undefined; chunks: Iterable<Buffer>; hold?: boolean; method?: string },
): Promise<RawReply> {
  const { contentType, contentLength, chunks } = body;
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let finishedSending = false;
    let answered = false;
    const request = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: body.method ?? "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": contentType,
        ...(contentLength === undefined ? { "transfer-encoding": "chunked" } : { "content-length": String(contentLength) }),
      },
    });
    request.on("response", (response) => {
      answered = true;
      const sentAtAnswer = bytesSent;
      const parts: Buffer[] = [];
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => {
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString(), bytesSent: sentAtAnswer, finishedSending });
        request.destroy();
      });
    });
    // The server may close while we still send: that is the point, not a failure.
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const iterator = chunks[Symbol.iterator]();
    const pump = () => {
      while (!answered && !request.destroyed) {
        const next = iterator.next();
        if (next.done) {
          if (body.hold) return;
          finishedSending = true;
          request.end();
          return;
        }
        bytesSent += next.value.length;
        if (!request.write(next.value)) {
          request.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

/** Every file under a folder (recursively), as paths. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Sends a request's head and the first bytes of its body over a plain socket, waits `waitMs`
 * (the server reads what came), then destroys the connection: a client that gives up mid-upload.
 */
export async function abortMidBody(
  server: TestServer,
  head: { method: string; path: string; token: string; contentType: string; contentLength: number },
  sent: Buffer,
  waitMs: number,
): Promise<void> {
  const url = new URL(server.url);
  const socket = netConnect(Number(url.port), url.hostname);
  await once(socket, "connect");
  socket.write(
    `${head.method} ${head.path} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${head.token}\r\n` +
      `Content-Type: ${head.contentType}\r\nContent-Length: ${head.contentLength}\r\n\r\n`,
  );
  socket.write(sent);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  socket.destroy();
}

/** Opens a GET over a plain socket and destroys it as soon as the first bytes of the answer arrive: a client that leaves mid-download. */
export async function abortMidDownload(server: TestServer, path: string, token?: string): Promise<string> {
  const url = new URL(server.url);
  const socket = netConnect(Number(url.port), url.hostname);
  await once(socket, "connect");
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${token ? `Authorization: Bearer ${token}\r\n` : ""}\r\n`);
  const [first] = (await once(socket, "data")) as [Buffer];
  socket.destroy();
  return first.toString("latin1").split("\r\n")[0] ?? "";
}
