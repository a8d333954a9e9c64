import type { Attachment } from "@easyqr/protocol";
import { useEffect, useRef } from "react";
import { CloseIcon } from "../../components/icons.tsx";
import { useBlobUrl } from "./useBlobUrl.ts";

/** A photo at full size over the page (a modal dialog: Escape, the close button or a click beside the photo closes it). */
export function ImageViewer({ attachment, preview, onClose }: { attachment: Attachment; preview: string | undefined; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { src, failed } = useBlobUrl(attachment.url);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  const shown = src ?? preview;
  return (
    <dialog
      ref={dialog}
      className="viewer"
      aria-label={`Photo ${attachment.name}`}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      data-testid="image-viewer"
    >
      <button type="button" className="icon-button viewer__close" onClick={onClose} aria-label="Close the photo">
        <CloseIcon />
      </button>
      {shown ? (
        <img
          className="viewer__image"
          src={shown}
          alt={`Photo ${attachment.name}`}
          width={attachment.width ?? undefined}
          height={attachment.height ?? undefined}
          data-full={src ? "true" : "false"}
        />
      ) : null}
      {failed ? (
        <p className="viewer__error" role="alert">
          This photo could not be loaded.
        </p>
      ) : null}
    </dialog>
  );
}
