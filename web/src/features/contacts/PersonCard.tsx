import type { ContactCard, Relation, SendContactRequest } from "@easyqr/protocol";
import { useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { contacts } from "./state.ts";
import { FormError } from "../../components/FormError.tsx";

const relationText: Record<Relation, string> = {
  none: "",
  connected: "You are already connected.",
  outgoing: "You sent them a request. They have not answered yet.",
  incoming: "They asked to connect with you. Sending accepts it.",
  blocked: "You blocked them. Unblock them in Settings to connect.",
};

type Sent = { kind: "idle" } | { kind: "sending" } | { kind: "requested" } | { kind: "connected" } | { kind: "failed"; text: string };

/**
 * Who a scanned QR or a found username belongs to, and the one button that asks to connect.
 * Nothing is sent before the tap.
 */
export function PersonCard({
  user,
  relation,
  request,
  onCancel,
  onDone,
}: {
  user: ContactCard;
  relation: Relation;
  request: SendContactRequest;
  onCancel?: () => void;
  /** After the request (or when there is nothing to send): leave. Without it, Done does what Cancel does. */
  onDone?: () => void;
}) {
  const [sent, setSent] = useState<Sent>({ kind: "idle" });
  const canSend = (relation === "none" || relation === "incoming") && (sent.kind === "idle" || sent.kind === "failed");

  const send = async () => {
    setSent({ kind: "sending" });
    try {
      const answer = await contacts.send(request);
      setSent({ kind: answer.outcome });
    } catch (error) {
      setSent({ kind: "failed", text: errorMessage(error) });
    }
  };

  const status =
    sent.kind === "requested"
      ? `Request sent. ${user.name ?? "They"} will see it now.`
      : sent.kind === "connected"
        ? `You and ${user.name ?? "they"} are now connected.`
        : relationText[relation];

  return (
    <section className="person-card" aria-label={`${user.name ?? user.username ?? "Someone"}'s profile`}>
      <Avatar user={user} size={88} />
      <h2 className="person-card__name">{user.name ?? user.username}</h2>
      {user.username ? <p className="person-card__username">@{user.username}</p> : null}
      {user.bio ? <p className="person-card__bio">{user.bio}</p> : null}
      <p className="person-card__status" role="status">
        {status}
      </p>
      {sent.kind === "failed" ? <FormError message={sent.text} /> : null}
      <div className="button-row button-row--center">
        {canSend || sent.kind === "sending" ? (
          <button type="button" className="button button--primary" disabled={!canSend} onClick={() => void send()}>
            {sent.kind === "sending" ? "Sending…" : relation === "incoming" ? "Accept request" : "Send request"}
          </button>
        ) : null}
        {canSend && onCancel ? (
          <button type="button" className="button button--ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        {!canSend && sent.kind !== "sending" && (onDone ?? onCancel) ? (
          <button type="button" className="button button--ghost" onClick={onDone ?? onCancel}>
            Done
          </button>
        ) : null}
      </div>
    </section>
  );
}
