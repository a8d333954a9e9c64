import type { GroupInvite, JoinRequest } from "@easyqr/protocol";
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { QrImage } from "../../components/QrImage.tsx";
import { displayName } from "../chat/messageText.ts";
import { receiptTime } from "../chat/messageInfo.ts";
import { groups } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";
import { InfoSection } from "../../components/InfoSheet.tsx";

/**
 * The join requests waiting, first (to let in or turn down), then an admin's invite link: its QR (anyone signed in who scans it may join, or ask when admins
 * approve joins), when it runs out, Reset (a new link, the old one stops) and Revoke.
 * `pending` (GROUP_JOIN_REQUESTS) reloads the requests.
 */
export function InviteSection({ chatId, groupName, pending, now }: { chatId: string; groupName: string; pending: number; now: number }) {
  const [invite, setInvite] = useState<GroupInvite | null>();
  const [requests, setRequests] = useState<JoinRequest[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    groups.invite(chatId).then(
      (state) => current && setInvite(state.invite),
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [chatId]);

  const loadRequests = useCallback(() => {
    groups.joinRequests(chatId).then(
      (answer) => setRequests(answer.requests),
      () => undefined,
    );
  }, [chatId]);
  useEffect(loadRequests, [loadRequests, pending]);

  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await run();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };
  const create = (needsApproval: boolean) => act(async () => setInvite(await groups.createInvite(chatId, needsApproval)));
  const revoke = () =>
    act(async () => {
      await groups.revokeInvite(chatId);
      setInvite(null);
    });
  const answer = (userId: string, approve: boolean) =>
    act(async () => {
      await (approve ? groups.approve(chatId, userId) : groups.deny(chatId, userId));
      setRequests((list) => list.filter((r) => r.user.id !== userId));
    });

  return (
    <>
      {requests.length ? (
        <InfoSection title={`Asking to join (${requests.length})`} testId="join-requests">
          <ul className="group-members">
            {requests.map((r) => (
              <li key={r.user.id} className="group-member">
                <Avatar user={r.user} size={36} />
                <span className="group-member__name">{displayName(r.user)}</span>
                <span className="group-member__actions">
                  <button type="button" className="button button--primary button--small" disabled={busy} onClick={() => void answer(r.user.id, true)}>
                    Approve
                  </button>
                  <button type="button" className="button button--ghost button--small" disabled={busy} onClick={() => void answer(r.user.id, false)}>
                    Deny
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </InfoSection>
      ) : null}
      <InfoSection title="Invite by QR code" className="group-invite" testId="group-invite">
        {invite === undefined && !error ? <p className="info-sheet__muted">Loading…</p> : null}
        {invite ? (
          <>
            <div className="group-invite__qr">
              <QrImage text={invite.url} size={232} label={`QR code to join ${groupName} on EasyQR`} />
            </div>
            <p className="info-sheet__muted">
              Anyone signed in to EasyQR who scans it can {invite.needsApproval ? "ask to join" : "join"}. It works until {receiptTime(invite.expiresAt, now)}.
            </p>
            <p className="group-invite__url" data-testid="invite-url">
              {invite.url}
            </p>
          </>
        ) : invite === null ? (
          <p className="info-sheet__muted">There is no invite link now. Make one to show its QR code.</p>
        ) : null}
        {invite !== undefined ? (
          <label className="toggle-row">
            <input
              type="checkbox"
              checked={invite?.needsApproval ?? false}
              disabled={busy || invite === null}
              onChange={(e) => void create(e.currentTarget.checked)}
            />
            <span>Admins approve new members (changing it makes a new link)</span>
          </label>
        ) : null}
        <div className="info-sheet__actions">
          {invite === null ? (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void create(false)}>
              Make an invite link
            </button>
          ) : invite ? (
            <>
              <button type="button" className="button button--ghost" disabled={busy} onClick={() => void create(invite.needsApproval)}>
                Reset link
              </button>
              <button type="button" className="button button--danger" disabled={busy} onClick={() => void revoke()}>
                Revoke link
              </button>
            </>
          ) : null}
        </div>
        <FormError message={error} />
      </InfoSection>
    </>
  );
}
