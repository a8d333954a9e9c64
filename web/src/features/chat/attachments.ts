import type { Attachment } from "@easyqr/protocol";
import { atom } from "jotai";

export type UploadOptions = { onProgress(fraction: number): void; signal: AbortSignal };

/**
 * Where attachments come and go: the upload (with progress) and an authorised fetch of an
 * attachment's bytes as a blob: URL (no token ever goes into a URL). Set by the uploads feature;
 * while it is unset the chat window offers no attach button and shows attachments by name only.
 */
export type AttachmentTransport = {
  upload(chatId: string, file: File, options: UploadOptions): Promise<Attachment>;
  blobUrl(url: string, signal?: AbortSignal): Promise<string>;
};

export const attachmentTransportAtom = atom<AttachmentTransport | undefined>(undefined);
