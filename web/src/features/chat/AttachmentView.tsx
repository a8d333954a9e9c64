import type { Attachment } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { attachmentTransportAtom, type AttachmentTransport } from "./attachments.ts";
import { ImageViewer } from "./ImageViewer.tsx";
import { useBlobUrl } from "./useBlobUrl.ts";
import { FormError } from "../../components/FormError.tsx";

const sizeText = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function download(transport: AttachmentTransport | undefined, attachment: Attachment): Promise<void> {
  if (!transport) return;
  const url = await transport.blobUrl(attachment.url);
  const a = document.createElement("a");
  a.href = url;
  a.download = attachment.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ImageAttachment({ attachment }: { attachment: Attachment }) {
  const [open, setOpen] = useState(false);
  const { src, failed } = useBlobUrl(attachment.thumbUrl ?? attachment.url);
  const ratio = attachment.width && attachment.height ? `${attachment.width} / ${attachment.height}` : "4 / 3";
  return (
    <>
      <button
        type="button"
        className="attachment attachment--image"
        style={{ aspectRatio: ratio }}
        onClick={() => setOpen(true)}
        aria-label={`Open photo ${attachment.name}`}
        data-testid="attachment-image"
      >
        {src ? (
          <img src={src} alt={`Photo ${attachment.name}`} />
        ) : (
          <span
            className={`attachment__loading${failed ? " attachment__loading--failed" : ""}`}
            role="img"
            aria-label={failed ? `Photo ${attachment.name} could not be loaded` : `Photo ${attachment.name}, loading`}
          />
        )}
      </button>
      {open ? <ImageViewer attachment={attachment} preview={src} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function FileAttachment({ attachment }: { attachment: Attachment }) {
  const transport = useAtomValue(attachmentTransportAtom);
  const [error, setError] = useState<string>();
  const save = () => {
    setError(undefined);
    download(transport, attachment).catch((failure: unknown) => setError(errorMessage(failure)));
  };
  return (
    <>
      <button
        type="button"
        className="attachment attachment--file"
        onClick={save}
        aria-label={`Download ${attachment.name}, ${sizeText(attachment.size)}`}
        data-testid="attachment-file"
      >
        <span className="attachment__name">{attachment.name}</span>
        <span className="attachment__size">{sizeText(attachment.size)}</span>
      </button>
      <FormError message={error} inline />
    </>
  );
}

export function AttachmentView({ attachment }: { attachment: Attachment }) {
  return attachment.kind === "image" ? <ImageAttachment attachment={attachment} /> : <FileAttachment attachment={attachment} />;
}
