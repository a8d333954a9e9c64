import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
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
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, head, tail };
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
  body: { contentType: string; contentLength: number | undefined; chunks: Iterable<Buffer>; hold?: boolean },
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
      method: "POST",
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
