import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_ATTACHMENT_BYTES, type Attachment } from "@easyqr/protocol";
import { AuthSession } from "./authSession.ts";
import { attachmentsApi, type XhrLike } from "./attachments.ts";
import { errorMessage } from "./errorText.ts";
import { ApiError } from "./http.ts";
import { MemoryStorage } from "./storage.ts";

const attachment: Attachment = {
  id: "5f0c6a0e-1b2c-4d3e-8f90-a1b2c3d4e5f6",
  kind: "image",
  name: "cat.webp",
  mime: "image/webp",
  size: 4,
  width: 10,
  height: 20,
  url: "/api/attachments/5f0c6a0e-1b2c-4d3e-8f90-a1b2c3d4e5f6",
  thumbUrl: "/api/attachments/5f0c6a0e-1b2c-4d3e-8f90-a1b2c3d4e5f6/thumb",
};

/** A signed-in session whose refresh hands out `fresh`. */
function session(refreshes: { count: number } = { count: 0 }) {
  const fetch = (url: string) => {
    if (!url.endsWith("/api/auth/refresh")) return Promise.reject(new Error(`unexpected ${url}`));
    refreshes.count += 1;
    const tokens = { accessToken: "fresh", accessTokenExpiresAt: 1, refreshToken: `r${refreshes.count + 1}`, refreshTokenExpiresAt: 2, sessionId: "s" };
    return Promise.resolve(new Response(JSON.stringify({ tokens }), { status: 200 }));
  };
  const auth = new AuthSession({ storage: new MemoryStorage(), fetch, lock: (task) => task() });
  auth.start({ accessToken: "stale", accessTokenExpiresAt: 1, refreshToken: "r1", refreshTokenExpiresAt: 2, sessionId: "s" });
  return auth;
}

/** An XMLHttpRequest that answers each request with the next of `answers`, reporting progress first. */
function fakeXhr(answers: { status: number; body: unknown }[], seen: { url?: string; auth: string[]; body?: unknown }) {
  return (): XhrLike => {
    type Fake = {
      status: number;
      responseText: string;
      upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
    } & Record<string, unknown>;
    const xhr: Fake & { onload: (() => void) | null; onabort: (() => void) | null } = {
      status: 0,
      responseText: "",
      upload: { onprogress: null },
      onload: null,
      onerror: null,
      onabort: null,
      open(_method: string, url: string) {
        seen.url = url;
      },
      setRequestHeader(name: string, value: string) {
        if (name === "authorization") seen.auth.push(value);
      },
      getResponseHeader: () => null,
      abort() {
        queueMicrotask(() => xhr.onabort?.());
      },
      send(body: unknown) {
        seen.body = body;
        const next = answers.shift();
        if (!next) return;
        queueMicrotask(() => {
          xhr.upload.onprogress?.({ loaded: 50, total: 100, lengthComputable: true });
          xhr.upload.onprogress?.({ loaded: 100, total: 100, lengthComputable: true });
          xhr.status = next.status;
          xhr.responseText = JSON.stringify(next.body);
          xhr.onload?.();
        });
      },
    };
    return xhr as unknown as XhrLike;
  };
}

test("an upload posts the file as multipart with the Bearer token, reports progress, and parses the attachment", async () => {
  const seen: { url?: string; auth: string[]; body?: unknown } = { auth: [] };
  const api = attachmentsApi(session(), { xhr: fakeXhr([{ status: 200, body: attachment }], seen) });
  const progress: number[] = [];
  const result = await api.uploadAttachment("chat-1", new File(["abcd"], "cat.png"), { onProgress: (fraction) => progress.push(fraction) });
  assert.deepEqual(result, attachment);
  assert.equal(seen.url, "/api/chats/chat-1/attachments");
  assert.deepEqual(seen.auth, ["Bearer stale"]);
  assert.ok(seen.body instanceof FormData && (seen.body.get("file") as File).name === "cat.png");
  assert.deepEqual(progress, [0.5, 1]);
});

test("an expired access token is refreshed once and the upload sent again", async () => {
  const seen: { auth: string[] } = { auth: [] };
  const refreshes = { count: 0 };
  const expired = { error: { code: "AUTH_TOKEN_EXPIRED", message: "expired" } };
  const api = attachmentsApi(session(refreshes), {
    xhr: fakeXhr(
      [
        { status: 401, body: expired },
        { status: 200, body: attachment },
      ],
      seen,
    ),
  });
  assert.equal((await api.uploadAttachment("c", new Blob(["x"]))).id, attachment.id);
  assert.deepEqual(seen.auth, ["Bearer stale", "Bearer fresh"]);
  assert.equal(refreshes.count, 1);
});

test("a file over 25 MB is refused before anything is sent, with words for people", async () => {
  const seen: { auth: string[] } = { auth: [] };
  const api = attachmentsApi(session(), { xhr: fakeXhr([], seen) });
  const big = { size: MAX_ATTACHMENT_BYTES + 1, name: "big.iso" } as Blob & { name: string };
  await assert.rejects(api.uploadAttachment("c", big), (error: unknown) => {
    assert.ok(error instanceof ApiError && error.code === "UPLOAD_TOO_LARGE");
    assert.equal(errorMessage(error), "That file is too large. Files can be at most 25 MB.");
    return true;
  });
  assert.deepEqual(seen.auth, [], "nothing sent");
});

test("server errors become ApiErrors with their data; a malformed success is refused; abort cancels", async () => {
  const seen: { auth: string[] } = { auth: [] };
  const notFound = { error: { code: "CHAT_NOT_FOUND", message: "no" } };
  const api = attachmentsApi(session(), {
    xhr: fakeXhr(
      [
        { status: 404, body: notFound },
        { status: 200, body: { id: 1 } },
      ],
      seen,
    ),
  });
  await assert.rejects(api.uploadAttachment("c", new Blob(["x"])), (e: unknown) => e instanceof ApiError && e.code === "CHAT_NOT_FOUND" && e.status === 404);
  await assert.rejects(api.uploadAttachment("c", new Blob(["x"])), (e: unknown) => e instanceof ApiError && e.code === "BAD_RESPONSE");
  const controller = new AbortController();
  const pending = attachmentsApi(session(), { xhr: fakeXhr([], seen) }).uploadAttachment("c", new Blob(["x"]), { signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof DOMException && e.name === "AbortError");
});

test("downloads go with the Authorization header, never a token in the URL; bytes are cached, each call gets its own blob: URL", async () => {
  const requests: { url: string; auth: string | undefined }[] = [];
  const fetch = (url: string, init?: RequestInit) => {
    requests.push({ url, auth: (init?.headers as Record<string, string> | undefined)?.authorization });
    const type = url.endsWith("/thumb") ? "image/webp" : "text/html";
    return Promise.resolve(new Response("<b>", { status: 200, headers: { "content-type": type } }));
  };
  const made: Blob[] = [];
  const api = attachmentsApi(session(), { fetch, createObjectURL: (blob) => `blob:${made.push(blob)}` });
  const [one, two] = await Promise.all([api.attachmentObjectUrl(attachment, { thumb: true }), api.attachmentObjectUrl(attachment, { thumb: true })]);
  assert.notEqual(one, two, "each caller revokes its own URL");
  assert.equal(requests.length, 1, "one download for both");
  assert.deepEqual(requests[0], { url: attachment.thumbUrl, auth: "Bearer stale" });
  await api.blobUrl(attachment.thumbUrl ?? "");
  assert.equal(requests.length, 1, "cached");
  assert.equal(made[0]?.type, "image/webp");

  await api.attachmentObjectUrl({ ...attachment, kind: "file", thumbUrl: null }, { thumb: true });
  assert.equal(requests[1]?.url, attachment.url);
  assert.equal(made.at(-1)?.type, "application/octet-stream", "never text/html in our origin");
});

test("a refused download is an ApiError (the same one for a missing file and someone else's)", async () => {
  const fetch = () => Promise.resolve(new Response(JSON.stringify({ error: { code: "ATTACHMENT_NOT_FOUND", message: "no" } }), { status: 404 }));
  const api = attachmentsApi(session(), { fetch, createObjectURL: () => "blob:x" });
  await assert.rejects(api.attachmentObjectUrl(attachment), (e: unknown) => e instanceof ApiError && e.code === "ATTACHMENT_NOT_FOUND");
});
