import { MAX_ATTACHMENT_BYTES, routes, type Attachment } from "@easyqr/protocol";
import { apiClient, type Authorizer, type Transport } from "./client.ts";
import { ApiError, type Fetch } from "./http.ts";

export type UploadOptions = {
  /** Share of the request sent so far (0…1), with the bytes behind it. */
  onProgress?: (fraction: number, loaded: number, total: number) => void;
  signal?: AbortSignal;
};

/** The part of XMLHttpRequest an upload uses (tests pass a fake). */
export type XhrLike = Pick<XMLHttpRequest, "open" | "setRequestHeader" | "send" | "abort" | "status" | "responseText" | "getResponseHeader"> & {
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
};

export type AttachmentsDeps = {
  base?: string;
  fetch?: Fetch;
  xhr?: () => XhrLike;
  createObjectURL?: (blob: Blob) => string;
  /** Bytes of downloaded attachments kept in memory for the next blob: URL of the same file. */
  cacheBytes?: number;
};

export type AttachmentsApi = {
  /** Uploads a file to a chat with progress; checks the size first. Send its `id` in SEND's `attachmentIds`. */
  uploadAttachment(chatId: string, file: Blob & { name?: string }, options?: UploadOptions): Promise<Attachment>;
  /**
   * A fresh blob: URL of an attachment's bytes (`thumb`: its thumbnail when it has one), fetched
   * with the Authorization header. The caller revokes it (URL.revokeObjectURL) when done.
   */
  attachmentObjectUrl(attachment: Attachment, options?: { thumb?: boolean; signal?: AbortSignal }): Promise<string>;
  /** The chat UI's transport names: `upload` is uploadAttachment, `blobUrl` takes an attachment's `url` or `thumbUrl`. */
  upload(chatId: string, file: Blob & { name?: string }, options?: UploadOptions): Promise<Attachment>;
  blobUrl(url: string, signal?: AbortSignal): Promise<string>;
  /** Forgets cached bytes (sign-out). */
  clear(): void;
};

/** Types a blob: URL may carry: an image the server re-encoded. Anything else is opaque bytes, never HTML or SVG in our origin. */
const IMAGE_TYPES = new Set(["image/webp", "image/jpeg", "image/png", "image/gif"]);

/** The attachment routes (`routes.attachments`): uploads with progress, downloads as blob: URLs. */
export function attachmentsApi(session: { readonly authorized: Authorizer }, deps: AttachmentsDeps = {}): AttachmentsApi {
  const api = apiClient({ base: deps.base, fetch: deps.fetch, authorized: (attempt) => session.authorized(attempt) });
  const makeXhr = deps.xhr ?? (() => new XMLHttpRequest() as XhrLike);
  const createObjectURL = deps.createObjectURL ?? ((blob: Blob) => URL.createObjectURL(blob));
  const cache = new BlobCache(deps.cacheBytes ?? 32 * 1024 * 1024);
  const inFlight = new Map<string, Promise<Blob>>();

  const uploadAttachment: AttachmentsApi["uploadAttachment"] = async (chatId, file, options = {}) => {
    if (file.size > MAX_ATTACHMENT_BYTES) {
      throw new ApiError("UPLOAD_TOO_LARGE", "The file is over the limit.", 0, { maxBytes: MAX_ATTACHMENT_BYTES });
    }
    if (file.size === 0) throw new ApiError("UPLOAD_INVALID", "The file is empty.", 0);
    options.signal?.throwIfAborted();
    return api.call(routes.attachments.upload, { params: { chatId }, file, signal: options.signal, transport: xhrTransport(makeXhr, options.onProgress) });
  };

  const fetchBlob = (url: string, signal?: AbortSignal): Promise<Blob> => {
    const cached = cache.get(url);
    if (cached) return Promise.resolve(cached);
    // One download per file at a time; a caller's abort stops only its own wait.
    let pending = inFlight.get(url);
    if (!pending) {
      pending = api
        .link(url)
        .then((blob) => {
          const type = blob.type.split(";")[0]?.trim().toLowerCase() ?? "";
          const safe = blob.slice(0, blob.size, IMAGE_TYPES.has(type) ? type : "application/octet-stream");
          cache.put(url, safe);
          return safe;
        })
        .finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    return signal ? raceAbort(pending, signal) : pending;
  };

  const blobUrl = async (url: string, signal?: AbortSignal) => createObjectURL(await fetchBlob(url, signal));

  return {
    uploadAttachment,
    upload: uploadAttachment,
    blobUrl,
    attachmentObjectUrl(attachment, options = {}) {
      return blobUrl(options.thumb && attachment.thumbUrl ? attachment.thumbUrl : attachment.url, options.signal);
    },
    clear: () => cache.clear(),
  };
}

/** Sends a request by XMLHttpRequest, for its upload progress; a new one for each attempt. */
function xhrTransport(makeXhr: () => XhrLike, onProgress: UploadOptions["onProgress"]): Transport {
  return (request) =>
    new Promise((resolve, reject) => {
      const cancelled = () => new DOMException("The upload was cancelled.", "AbortError");
      if (request.signal?.aborted) return reject(cancelled());
      const xhr = makeXhr();
      const onAbort = () => xhr.abort();
      const done = () => request.signal?.removeEventListener("abort", onAbort);
      xhr.open(request.method, request.url);
      for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total, event.loaded, event.total);
      };
      xhr.onload = () => {
        done();
        const text = xhr.responseText;
        resolve({
          status: xhr.status,
          header: (name) => xhr.getResponseHeader(name),
          text: () => Promise.resolve(text),
          blob: () => Promise.resolve(new Blob([text])),
        });
      };
      xhr.onerror = () => {
        done();
        reject(new ApiError("NETWORK", "Cannot reach the EasyQR server. Is it running?"));
      };
      xhr.onabort = () => {
        done();
        reject(cancelled());
      };
      request.signal?.addEventListener("abort", onAbort, { once: true });
      xhr.send(request.body === undefined || request.body instanceof ReadableStream ? null : request.body);
    });
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Downloaded bytes by URL, least recently used out first, up to a byte budget (a file over it is not kept). */
class BlobCache {
  private readonly blobs = new Map<string, Blob>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  get(url: string): Blob | undefined {
    const blob = this.blobs.get(url);
    if (blob) {
      this.blobs.delete(url);
      this.blobs.set(url, blob);
    }
    return blob;
  }

  put(url: string, blob: Blob): void {
    if (blob.size > this.maxBytes || this.blobs.has(url)) return;
    this.blobs.set(url, blob);
    this.bytes += blob.size;
    for (const [key, old] of this.blobs) {
      if (this.bytes <= this.maxBytes) break;
      this.blobs.delete(key);
      this.bytes -= old.size;
    }
  }

  clear(): void {
    this.blobs.clear();
    this.bytes = 0;
  }
}
