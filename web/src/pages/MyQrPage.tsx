import type { ContactQr } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api/errorText.ts";
import { SubPage } from "../components/SubPage.tsx";
import { QrImage } from "../components/QrImage.tsx";
import { RequestRow } from "../features/contacts/ContactsPanel.tsx";
import { contacts, contactsAtom } from "../features/contacts/state.ts";
import { paths } from "../paths.ts";
import { userAtom } from "../features/session/state.ts";
import { FormError } from "../components/FormError.tsx";

/** Screens showing My QR right now: the tokens are withdrawn only when the last one goes (StrictMode mounts twice). */
let showing = 0;

/**
 * /home/qr: the user's own QR, renewed at every `rotatesAt` while on screen and withdrawn on leaving.
 * Requests that arrive meanwhile show under it, to answer without leaving.
 */
export function MyQrPage() {
  const user = useAtomValue(userAtom);
  const incoming = useAtomValue(contactsAtom)?.incoming ?? [];
  const [qr, setQr] = useState<ContactQr>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    showing += 1;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      contacts.myQr().then(
        (next) => {
          if (!current) return;
          setQr(next);
          setError(undefined);
          timer = setTimeout(load, Math.max(1_000, next.rotatesAt - Date.now()));
        },
        (failure: unknown) => {
          if (!current) return;
          setError(errorMessage(failure));
          timer = setTimeout(load, 10_000);
        },
      );
    };
    load();
    return () => {
      current = false;
      if (timer) clearTimeout(timer);
      showing -= 1;
      setTimeout(() => {
        if (showing === 0) contacts.stopQr().catch(() => undefined);
      }, 0);
    };
  }, []);

  if (!user) return null;
  return (
    <SubPage title="My QR code" className="myqr">
      <section className="card myqr__card" aria-label="Your QR code">
        <div className="myqr__code">
          {qr ? (
            <QrImage text={qr.url} size={264} label={`QR code to add ${user.name ?? "you"} on EasyQR`} />
          ) : (
            <div className="myqr__placeholder" aria-busy="true" />
          )}
        </div>
        <p className="myqr__name">{user.name}</p>
        <p className="myqr__username">@{user.username}</p>
        <FormError message={error} />
        <p className="myqr__hint">
          Let someone scan this with EasyQR or their phone's camera to send you a request. The code changes every minute, so a photo of it soon stops working.
        </p>
        <div className="button-row button-row--center">
          <Link to="/scan" className="button button--ghost">
            Scan a code
          </Link>
          <Link to={paths.addContact} className="button button--ghost">
            Add by username
          </Link>
        </div>
      </section>
      {incoming.length ? (
        <section className="card myqr__requests" aria-labelledby="myqr-requests">
          <h2 id="myqr-requests">Requests</h2>
          <ul className="contacts__list">
            {incoming.map((r) => (
              <RequestRow key={r.id} request={r} />
            ))}
          </ul>
        </section>
      ) : null}
    </SubPage>
  );
}
