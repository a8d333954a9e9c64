import { useState } from "react";
import { Link } from "react-router";
import { useGoBack } from "../components/BackLink.tsx";
import { SubPage } from "../components/SubPage.tsx";
import { forgetJoinToken, keptJoinToken } from "../features/groups/inviteLink.ts";
import { InvitePreviewCard } from "../features/groups/InvitePreviewCard.tsx";
import { paths } from "../paths.ts";

/** /home/join: the group an opened `/join#…` link or a scanned invite QR is for, and Join. */
export function JoinGroupPage() {
  const goBack = useGoBack(paths.home);
  const [token] = useState(() => keptJoinToken());
  const done = () => {
    forgetJoinToken();
    goBack();
  };
  return (
    <SubPage title="Join a group">
      <section className="card" aria-label="Group invite">
        {token ? (
          <InvitePreviewCard key={token} token={token} closeLabel="Not now" onClose={done} />
        ) : (
          <p className="settings__lead">
            No group invite is open. Scan a group’s QR code with <Link to="/scan">the scanner</Link> to join it.
          </p>
        )}
      </section>
    </SubPage>
  );
}
