import { useAtomValue } from "jotai";
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router";
import { parsePairingQr } from "@easyqr/protocol";
import { Layout } from "../components/Layout.tsx";
import { StatusText } from "../components/StatusText.tsx";
import { useStore } from "../api/useStore.ts";
import { phoneLinkAtom } from "../features/pairing/links.ts";
import { unlockAudio } from "../features/scanner/feedback.ts";

/** /pair#sid=…&t=…: what the phone's own camera app opens. Links without our scanner. */
export function PairPage() {
  const link = useAtomValue(phoneLinkAtom);
  const snapshot = useStore(link);
  const navigate = useNavigate();
  const { view } = snapshot;
  const [payload] = useState(() => parsePairingQr(window.location.href));

  useEffect(() => {
    // The token is single use: take it out of the address bar so a reload resumes instead of retrying it.
    if (window.location.hash) window.history.replaceState(window.history.state, "", window.location.pathname);
    if (payload) link.pairWithQr(payload);
    else link.resume();
  }, [link, payload]);

  const start = () => {
    unlockAudio();
    void navigate("/scan");
  };

  return (
    <Layout variant="phone">
      <section className="card pair" aria-labelledby="pair-title">
        {view.kind === "connected" ? (
          <>
            <h1 id="pair-title" className="visually-hidden">
              Phone linked
            </h1>
            <StatusText text="Connected" tone="ok" large />
            <p className="lead">This phone is linked to the desktop. Scan barcodes and QR codes and they appear there at once.</p>
            <button type="button" className="button button--primary button--large" onClick={start}>
              Start scanning
            </button>
          </>
        ) : view.kind === "connecting" ? (
          <>
            <h1 id="pair-title">Linking this phone…</h1>
            <StatusText text="Connecting to the desktop…" tone="waiting" large />
          </>
        ) : view.kind === "ended" ? (
          <>
            <h1 id="pair-title">Session ended</h1>
            <StatusText text={view.message} tone="neutral" />
            <Link className="button button--primary button--large" to="/scan" onClick={() => link.forget()}>
              Link again
            </Link>
          </>
        ) : (
          <>
            <h1 id="pair-title">Could not link this phone</h1>
            <StatusText text={view.error ?? "This link is incomplete. Scan the QR code on the desktop again."} tone="error" />
            <Link className="button button--primary button--large" to="/scan" onClick={() => link.forget()}>
              Open the scanner
            </Link>
          </>
        )}
      </section>
    </Layout>
  );
}
