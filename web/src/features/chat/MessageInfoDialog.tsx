import type { Chat, Message, MessageInfo } from "@easyqr/protocol";
import { useEffect, useId, useRef, useState } from "react";
import { errorMessage } from "../../api/errorText.ts";
import { ModalDialog } from "../../components/ModalDialog.tsx";
import { useNow } from "../../components/useNow.ts";
import { deviceLines, memberLines } from "./messageInfo.ts";
import { displayName, quoteText } from "./messageText.ts";
import { replyPreview } from "./outbox.ts";
import { chats } from "./state.ts";
import { chatCard } from "./chatKinds.ts";

type Props = { message: Message; chat: Chat; onClose: () => void; names?: (userId: string) => string };

/**
 * "Message info" of one's own message: each of the recipient's devices that got it, with when it
 * was delivered and read there. Asked again whenever the peer's ticks move, and every 10 s, so
 * it follows live while open. A modal dialog like ConfirmDialog: Escape, Close or a click beside it closes it.
 */
export function MessageInfoDialog({ message, chat, onClose, names }: Props) {
  const id = useId();
  const close = useRef<HTMLButtonElement>(null);
  const [info, setInfo] = useState<MessageInfo>();
  const [error, setError] = useState<string>();
  // Also the pace at which it asks again: a second device of the peer catching up moves no ticks.
  const now = useNow(10_000);
  const { deliveredSeq, seenSeq } = chat.theirs;

  useEffect(() => {
    let current = true;
    chats.info(message.chatId, message.id).then(
      (answer) => {
        if (!current) return;
        setInfo(answer);
        setError(undefined);
      },
      (failure: unknown) => current && setError(errorMessage(failure)),
    );
    return () => {
      current = false;
    };
  }, [message.chatId, message.id, deliveredSeq, seenSeq, now]);

  const lines = info ? deviceLines(info, now) : [];
  const members = info && chat.kind === "group" ? memberLines(info, names ?? (() => "A member"), now) : undefined;
  const peer = displayName(chatCard(chat));
  return (
    <ModalDialog className="confirm message-info" labelledBy={`${id}-title`} initialFocus={close} onDismiss={onClose} testId="message-info">
      <div className="confirm__box">
        <h2 id={`${id}-title`} className="confirm__title">
          Message info
        </h2>
        <p className="message-info__quote">{quoteText(replyPreview(message))}</p>
        {error ? (
          <p className="message-info__status" role="alert">
            {error}
          </p>
        ) : !info ? (
          <p className="message-info__status" role="status">
            Loading…
          </p>
        ) : members ? (
          members.length === 0 ? (
            <p className="message-info__status">Nobody else is in the group now.</p>
          ) : (
            <ul className="message-info__devices" aria-label="Members">
              {members.map((line) => (
                <li key={line.userId} className="message-info__device" data-testid="member-receipt" aria-label={`${line.name}: ${line.times}`}>
                  <span className="message-info__name">{line.name}</span>
                  <span className={`message-info__times${line.read ? " message-info__times--read" : ""}`}>{line.times}</span>
                </li>
              ))}
            </ul>
          )
        ) : lines.length === 0 ? (
          <p className="message-info__status">Not delivered to any of {peer}’s devices yet.</p>
        ) : (
          <ul className="message-info__devices" aria-label={`${peer}’s devices`}>
            {lines.map((line, i) => (
              <li key={i} className="message-info__device" data-testid="device-receipt" aria-label={line.sentence}>
                <span className="message-info__name">{line.name}</span>
                {line.detail ? <span className="message-info__detail">{line.detail}</span> : null}
                <span className={`message-info__times${line.read ? " message-info__times--read" : ""}`}>{line.times}</span>
              </li>
            ))}
          </ul>
        )}
        <div className="confirm__actions">
          <button ref={close} type="button" className="button button--ghost" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}
