import type { LinkClaim } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { useCallback, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { browserOf } from "../pairing/device.ts";
import { CodeEntryForm } from "../pairing/CodeEntryForm.tsx";
import { paths } from "../../paths.ts";
import { claimMatches, failureView, type ApprovalView } from "./approval.ts";
import { DeviceLimit } from "./DeviceLimit.tsx";
import type { LinkFragment } from "./linkUrl.ts";
import { abortedLinksAtom, linking } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

type Props = {
  /** From the QR (its ref and the desktop key's fingerprint); none: the person types the code. */
  scanned: LinkFragment | undefined;
  /** Opened from inside EasyQR (its scanner, the code form): no "someone may have sent this" warning. */
  inApp: boolean;
};

/** The phone's half of linking: claim, check the key, show who asks, Approve or Deny. */
export function LinkApproval({ scanned, inApp }: Props) {
  const [view, setView] = useState<ApprovalView>(scanned ? { kind: "claiming" } : { kind: "enter" });
  const [typed, setTyped] = useState(false);
  const aborted = useAtomValue(abortedLinksAtom);
  const claimed = useRef(false);

  const claim = useCallback(async (body: { ref: string } | { code: string }, fp: string | undefined) => {
    setView({ kind: "claiming" });
    try {
      const answer = await linking.claim(body);
      setView(claimMatches(answer, fp) ? { kind: "confirm", claim: answer } : { kind: "mismatch" });
    } catch (error) {
      setView(failureView(error));
    }
  }, []);

  useEffect(() => {
    // Once per page: a claim is single use (StrictMode runs effects twice).
    if (!scanned || claimed.current) return;
    claimed.current = true;
    void claim({ ref: scanned.ref }, scanned.fingerprint);
  }, [scanned, claim]);

  const current = "claim" in view ? view.claim : undefined;
  const gone = current !== undefined && aborted.has(current.linkId) && view.kind !== "approved";
  if (gone) return <Gone />;

  const answer = async (claimed: LinkClaim, approve: boolean) => {
    setView({ kind: "answering", claim: claimed, approving: approve });
    try {
      if (approve) await linking.approve(claimed.linkId);
      else await linking.deny(claimed.linkId);
      setView(approve ? { kind: "approved", claim: claimed } : { kind: "denied" });
    } catch (error) {
      setView(failureView(error, claimed));
    }
  };

  switch (view.kind) {
    case "enter":
      return (
        <section className="card link-approval" aria-labelledby="link-approval-title">
          <h2 id="link-approval-title">Scan the code on your computer</h2>
          <p className="lead">On the computer, open EasyQR&apos;s address and choose &quot;Link with your phone&quot;. Then scan its QR code.</p>
          <Link to="/scan" className="button button--primary button--large">
            Scan the QR code
          </Link>
          {typed ? (
            <CodeEntryForm label="Code shown on the computer" action="Next" busy={false} onSubmit={(code) => void claim({ code }, undefined)} />
          ) : (
            <button type="button" className="button button--link" onClick={() => setTyped(true)}>
              Type the code instead
            </button>
          )}
        </section>
      );
    case "claiming":
      return <Busy text="Checking the code…" />;
    case "mismatch":
      return (
        <section className="card link-approval link-approval--danger" role="alert" aria-labelledby="link-approval-title">
          <h2 id="link-approval-title">Stop: this is not the computer you scanned</h2>
          <p>The computer answering this code is not the one whose QR you scanned. Someone may be trying to get into your account. Nothing was linked.</p>
          <Link to={paths.home} className="button button--primary">
            Back to my chats
          </Link>
        </section>
      );
    case "confirm":
    case "answering":
      return <Confirm claim={view.claim} inApp={inApp} busy={view.kind === "answering"} onAnswer={(yes) => void answer(view.claim, yes)} />;
    case "approved":
      return (
        <section className="card link-approval" aria-labelledby="link-approval-title">
          <h2 id="link-approval-title">Linked</h2>
          <p role="status">{view.claim.device.name} is signing in now. You can see and remove it in Settings → Linked devices.</p>
          <Link to={paths.home} className="button button--primary">
            Back to my chats
          </Link>
        </section>
      );
    case "denied":
      return (
        <section className="card link-approval" aria-labelledby="link-approval-title">
          <h2 id="link-approval-title">Not linked</h2>
          <p role="status">You said no. That computer cannot use this code again.</p>
          <Link to={paths.home} className="button button--primary">
            Back to my chats
          </Link>
        </section>
      );
    case "limit":
      return (
        <DeviceLimit
          devices={view.devices}
          onRetry={
            view.claim ? () => void answer(view.claim as LinkClaim, true) : scanned ? () => void claim({ ref: scanned.ref }, scanned.fingerprint) : undefined
          }
        />
      );
    case "gone":
      return <Gone />;
    case "failed":
      return (
        <section className="card link-approval" aria-labelledby="link-approval-title">
          <h2 id="link-approval-title">Could not link</h2>
          <FormError message={view.message} />
          <div className="button-row">
            <Link to="/scan" className="button button--primary">
              Scan again
            </Link>
            <Link to={paths.home} className="button button--ghost">
              Back to my chats
            </Link>
          </div>
        </section>
      );
  }
}

function Busy({ text }: { text: string }) {
  return (
    <section className="card link-approval" aria-busy="true">
      <p role="status">{text}</p>
    </section>
  );
}

function Gone() {
  return (
    <section className="card link-approval" aria-labelledby="link-approval-title">
      <h2 id="link-approval-title">The computer went away</h2>
      <p role="alert">The computer closed the page or lost its connection before you answered, so nothing was linked. Ask it for a new code.</p>
      <Link to={paths.home} className="button button--primary">
        Back to my chats
      </Link>
    </section>
  );
}

function Confirm({ claim, inApp, busy, onAnswer }: { claim: LinkClaim; inApp: boolean; busy: boolean; onAnswer: (approve: boolean) => void }) {
  const time = new Date(claim.requestedAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return (
    <section className="card link-approval" aria-labelledby="link-approval-title">
      <h2 id="link-approval-title">Link this computer to your account?</h2>
      {inApp ? null : (
        <p className="link-approval__warning" role="alert">
          You opened this from outside EasyQR. If someone sent you this link, or you did not just scan a code on your own computer, tap Deny.
        </p>
      )}
      <dl className="link-approval__who" aria-label="The computer asking">
        <dt>Device</dt>
        <dd data-testid="link-device">{claim.device.name}</dd>
        <dt>System</dt>
        <dd>{claim.device.platform}</dd>
        <dt>Browser</dt>
        <dd>{browserOf(claim.userAgent)}</dd>
        <dt>IP address</dt>
        <dd>
          {claim.ip}
          <br />
          <span className={claim.sameNetwork ? "link-approval__net" : "link-approval__net link-approval__net--other"}>
            {claim.sameNetwork ? "on your network" : "not on your network"}
          </span>
        </dd>
        <dt>Asked at</dt>
        <dd>{time}</dd>
      </dl>
      <p className="link-approval__what">
        It will be able to <strong>read and send all your messages</strong>, see your contacts and change your profile, until you log it out in Settings →
        Linked devices.
      </p>
      <div className="link-approval__actions">
        <button type="button" className="button button--ghost button--large" disabled={busy} onClick={() => onAnswer(false)}>
          Deny
        </button>
        <button type="button" className="button button--primary button--large" disabled={busy} aria-busy={busy} onClick={() => onAnswer(true)}>
          {busy ? "Please wait…" : "Approve"}
        </button>
      </div>
    </section>
  );
}
