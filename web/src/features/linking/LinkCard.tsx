import { formatPairingCode } from "@easyqr/protocol";
import { QrImage } from "../../components/QrImage.tsx";
import { StatusText, type StatusTone } from "../../components/StatusText.tsx";
import { formatRemaining, useNow } from "../../components/useNow.ts";
import type { LinkingSnapshot } from "./desktopLinking.ts";

type Props = { snapshot: LinkingSnapshot; onNewCode: () => void; onScanner: () => void };

/** What the desktop says under the steps, by state. */
function statusOf({ view, socket }: LinkingSnapshot): { text: string; tone: StatusTone } {
  if (socket === "retrying") return { text: "Connection lost — reconnecting…", tone: "warn" };
  switch (view.kind) {
    case "starting":
      return { text: "Getting a code…", tone: "waiting" };
    case "showing":
      return { text: "Waiting for your phone…", tone: "waiting" };
    case "scanned":
      return { text: "Scanned — confirm on your phone", tone: "ok" };
    case "signingIn":
      return { text: "Approved — signing in…", tone: "ok" };
    case "denied":
      return { text: "The phone said no. Nothing was linked.", tone: "error" };
    case "expired":
      return { text: "This code has expired.", tone: "warn" };
    case "failed":
      return { text: view.message, tone: "error" };
  }
}

/**
 * The signed-out desktop's main screen: steps on the left, the rotating QR and its 8-character code
 * on the right; "Scanned — confirm on your phone" once a phone claimed it; "New code" when it ended.
 */
export function LinkCard({ snapshot, onNewCode, onScanner }: Props) {
  const now = useNow(1000);
  const { view } = snapshot;
  const status = statusOf(snapshot);
  const stale = view.kind === "showing" && now >= view.linkExpiresAt;
  const ended = view.kind === "denied" || view.kind === "expired" || view.kind === "failed" || stale;
  return (
    <section className="card pairing link-card" aria-labelledby="link-title">
      <div className="pairing__text">
        <h1 id="link-title">Use EasyQR on this computer</h1>
        <ol className="steps">
          <li>Open EasyQR on your phone and sign in.</li>
          <li>
            Go to <strong>Settings → Link a desktop</strong> and point the phone at this screen. The phone&apos;s own camera app works too.
          </li>
          <li>No camera? Choose &quot;Type the code&quot; on the phone and enter the 8 characters under the QR.</li>
          <li>Confirm on your phone. Your chats open here.</li>
        </ol>
        <StatusText text={status.text} tone={status.tone} large={view.kind === "scanned"} />
        {ended ? (
          <button type="button" className="button button--primary button--large link-card__new" onClick={onNewCode}>
            New code
          </button>
        ) : null}
        <p className="link-card__other">
          No account, or just scanning codes?{" "}
          <button type="button" className="button button--link" onClick={onScanner}>
            Use your phone as a scanner instead
          </button>
        </p>
      </div>
      <figure className="pairing__qr link-card__qr" data-state={view.kind}>
        {view.kind === "showing" && !stale ? (
          <>
            <QrImage text={view.qr.url} size={288} label="Link QR code: scan it with your signed-in phone" />
            <figcaption>
              <span className="code" aria-label={`Link code ${view.qr.code.split("").join(" ")}`}>
                {formatPairingCode(view.qr.code)}
              </span>
              <span className="countdown" aria-live="off">
                New code in {formatRemaining(view.qr.rotatesAt - now)} · stops in {formatRemaining(view.linkExpiresAt - now)}
              </span>
            </figcaption>
          </>
        ) : (
          <div className="link-card__placeholder" aria-hidden="true">
            {view.kind === "scanned" || view.kind === "signingIn" ? <span className="link-card__check">✓</span> : null}
          </div>
        )}
      </figure>
    </section>
  );
}
