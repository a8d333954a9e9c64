import { parseLinkFragment } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useEffect, useState } from "react";
import { Link, useLocation, useNavigate } from "react-router";
import { SubPage } from "../components/SubPage.tsx";
import { LinkApproval } from "../features/linking/LinkApproval.tsx";

import { Splash } from "../features/session/guards.tsx";
import { sessionAtom } from "../features/session/state.ts";
import { paths } from "../paths.ts";

/**
 * /link#<ref>.<fp> on the phone: what a desktop's link QR opens (the phone's camera app or EasyQR's
 * scanner), and /link alone to type a desktop's code. Only a signed-in phone can approve.
 */
export function LinkPage() {
  const session = useAtomValue(sessionAtom);
  const location = useLocation();
  // Read once: the fragment leaves the address bar, so a reload does not claim a spent code again.
  const fromHash = parseLinkFragment(location.hash);
  const [scanned, setScanned] = useState(fromHash ?? undefined);
  // Another link opened while this page is up (a hash change, no reload): that one is asked about now.
  if (fromHash && fromHash.ref !== scanned?.ref) setScanned(fromHash);
  const inApp = (location.state as { from?: string } | null)?.from === "app";
  const navigate = useNavigate();
  useEffect(() => {
    if (location.hash) void navigate({ pathname: location.pathname }, { replace: true, state: location.state as unknown });
  }, [location, navigate]);

  if (session.status === "loading" || session.status === "unreachable") return <Splash />;
  if (session.status === "signedOut" || !session.user.onboarded) {
    return (
      <SubPage title="Link a desktop" className="link-page">
        <section className="card link-approval" aria-labelledby="link-approval-title">
          <h2 id="link-approval-title">Sign in on this phone first</h2>
          <p>Only a phone signed in to EasyQR can link a computer to its account. Sign in, then scan the computer&apos;s code again.</p>
          <Link to={paths.signIn} className="button button--primary button--large">
            Sign in
          </Link>
        </section>
      </SubPage>
    );
  }
  return (
    <SubPage title="Link a desktop" className="link-page">
      <LinkApproval key={scanned?.ref ?? "typed"} scanned={scanned} inApp={inApp || scanned === undefined} />
    </SubPage>
  );
}
