import type { PublicUser, Relation } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useId, useState, type FormEvent } from "react";
import { Link } from "react-router";
import { errorMessage, errorText } from "../api/errorText.ts";
import { ApiError } from "../api/http.ts";
import { useGoBack } from "../components/BackLink.tsx";
import { SubPage } from "../components/SubPage.tsx";
import type { ContactsState } from "../features/contacts/contactsState.ts";
import { forgetAddToken, keptAddToken } from "../features/contacts/pendingAdd.ts";
import { PersonCard } from "../features/contacts/PersonCard.tsx";
import { QrPreviewCard } from "../features/contacts/QrPreviewCard.tsx";
import { contacts, contactsAtom } from "../features/contacts/state.ts";
import { paths } from "../paths.ts";
import { userAtom } from "../features/session/state.ts";
import { FormError } from "../components/FormError.tsx";

/** How the user stands with someone, from the live lists (the username search has no preview call). */
export function relationFromLists(lists: ContactsState | undefined, userId: string): Relation {
  if (!lists) return "none";
  if (lists.connections.some((c) => c.user.id === userId)) return "connected";
  if (lists.blocked.some((u) => u.id === userId)) return "blocked";
  if (lists.incoming.some((r) => r.user.id === userId)) return "incoming";
  if (lists.outgoing.some((r) => r.user.id === userId)) return "outgoing";
  return "none";
}

/** /home/add: the preview of an opened `/add#…` link, or add by username. */
export function AddContactPage() {
  const me = useAtomValue(userAtom);
  const lists = useAtomValue(contactsAtom);
  const goBack = useGoBack(paths.home);
  const [token, setToken] = useState(() => keptAddToken());
  const id = useId();
  const [username, setUsername] = useState("");
  const [found, setFound] = useState<PublicUser>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = username.trim().replace(/^@/, "").toLowerCase();
    if (!wanted) return setError("Type their username.");
    setBusy(true);
    setError(undefined);
    setFound(undefined);
    try {
      const user = await contacts.byUsername(wanted);
      if (user.id === me?.id) setError(errorText("CONTACT_SELF"));
      else setFound(user);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.code === "USERNAME_NOT_FOUND"
          ? `Nobody has the username @${wanted}. Check the spelling.`
          : errorMessage(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <SubPage title="Add a contact">
      {token ? (
        <section className="card" aria-label="Scanned code">
          <QrPreviewCard
            key={token}
            token={token}
            closeLabel="Done"
            onClose={() => {
              forgetAddToken();
              setToken(undefined);
              goBack();
            }}
          />
        </section>
      ) : (
        <section className="card settings__section" aria-labelledby={`${id}-title`}>
          <h2 id={`${id}-title`}>Find by username</h2>
          <p className="settings__lead">
            Scanning their QR code is quickest: <Link to="/scan">open the scanner</Link>. Or type their username.
          </p>
          <form className="search-form" onSubmit={(e) => void search(e)} noValidate>
            <div className="field">
              <label htmlFor={`${id}-username`}>Username</label>
              <input
                id={`${id}-username`}
                value={username}
                onChange={(e) => setUsername(e.currentTarget.value)}
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
                placeholder="e.g. grace"
              />
            </div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? "Looking…" : "Find"}
            </button>
          </form>
          <FormError message={error} />
          {found ? (
            <PersonCard
              key={found.id}
              user={found}
              relation={relationFromLists(lists, found.id)}
              request={{ username: found.username ?? username }}
              onCancel={() => setFound(undefined)}
              onDone={goBack}
            />
          ) : null}
        </section>
      )}
    </SubPage>
  );
}
