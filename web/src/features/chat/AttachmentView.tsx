import type { Attachment } from "@easyqr/protocol";
import { useEffect, useState } from "react";
import { attachmentTransport } from "./attachments.ts";

const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** The bytes of an attachment as a blob: URL, fetched with the Authorization header and revoked when no longer shown. */
function useBlobUrl(url: string | null): string | undefined {
  const [blob, setBlob] = useState<string>();
  useEffect(() => {
    const transport = attachmentTransport.current;
    if (!url || !transport) return;
    const controller = new AbortController();
    let made: string | undefined;
    transport.blobUrl(url, controller.signal).then(
      (value) => {
        made = value;
        setBlob(value);
      },
      () => undefined,
    );
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [url]);
  return blob;
}

async function download(attachment: Attachment): Promise<void> {
  const transport = attachmentTransport.current;
  if (!transport) return;
  const url = await transport.blobUrl(attachment.url);
  const a = document.createElement("a");
  a.href = url;
  a.download = attachment.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function AttachmentView({ attachment }: { attachment: Attachment }) {
  const image = attachment.kind === "image";
  const src = useBlobUrl(image ? (attachment.thumbUrl ?? attachment.url) : null);
  if (image) {
    const ratio = attachment.width && attachment.height ? `${attachment.width} / ${attachment.height}` : "4 / 3";
    return (
      <span className="attachment attachment--image" style={{ aspectRatio: ratio }}>
        {src ? <img src={src} alt={`Photo ${attachment.name}`} /> : <span className="attachment__loading" role="img" aria-label={`Photo ${attachment.name}, loading`} />}
      </span>
    );
  }
  return (
    <button type="button" className="attachment attachment--file" onClick={() => void download(attachment)} aria-label={`Download ${attachment.name}, ${sizeText(attachment.size)}`}>
      <span className="attachment__name">{attachment.name}</span>
      <span className="attachment__size">{sizeText(attachment.size)}</span>
    </button>
  );
}
