import { useAtomValue } from "jotai";
import { useEffect, useState } from "react";
import { attachmentTransportAtom } from "./attachments.ts";

/** The bytes at an attachment URL as a blob: URL, fetched with the Authorization header and revoked when no longer shown. */
export function useBlobUrl(url: string | null): { src?: string; failed: boolean } {
  const transport = useAtomValue(attachmentTransportAtom);
  const [state, setState] = useState<{ url: string | null; src?: string; failed: boolean }>({ url, failed: false });
  useEffect(() => {
    if (!url || !transport) return;
    const controller = new AbortController();
    let made: string | undefined;
    transport.blobUrl(url, controller.signal).then(
      (src) => {
        made = src;
        if (controller.signal.aborted) URL.revokeObjectURL(src);
        else setState({ url, src, failed: false });
      },
      () => {
        if (!controller.signal.aborted) setState({ url, failed: true });
      },
    );
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [url, transport]);
  // A state left from another URL is not this one's.
  return state.url === url ? { src: state.src, failed: state.failed } : { failed: false };
}
