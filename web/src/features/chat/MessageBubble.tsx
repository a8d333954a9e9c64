import type { Avatar as AvatarImage, Chat, Message } from "@easyqr/protocol";
import { Avatar } from "../../components/Avatar.tsx";
import { mentionParts } from "../groups/mentions.ts";
import { useId, useRef, useState } from "react";
import { arrowKeys, useFocusFirst } from "../../components/rovingFocus.ts";
import { useDismiss } from "../../components/useDismiss.ts";
import { errorText } from "../../api/errorText.ts";
import { ClockIcon, TickIcon } from "../../components/icons.tsx";
import { AttachmentView } from "./AttachmentView.tsx";
import { canDelete, canEdit, quoteText, reactionCounts, tickLabel, tickOf, timeLabel, type Tick } from "./messageText.ts";
import type { OutboxItem } from "./outbox.ts";
import { myWrittenTimes } from "./writtenTimes.ts";

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

export type BubbleActions = {
  reply: (message: Message) => void;
  edit: (message: Message) => void;
  remove: (message: Message) => void;
  /** Its text to the clipboard. */
  copy: (message: Message) => void;
  /** Choose chats to send a copy to. */
  forward: (message: Message) => void;
  /** Delete for me: gone from this person's devices only. */
  hide: (message: Message) => void;
  /** Message info: per-device receipts of one's own message. */
  info: (message: Message) => void;
  react: (message: Message, emoji: string | null) => void;
  jumpTo: (seq: number) => void;
  retry: (clientId: string) => void;
  cancel: (clientId: string) => void;
};

export function Ticks({ tick }: { tick: Tick }) {
  return (
    <span className={`ticks ticks--${tick}`} role="img" aria-label={tickLabel[tick]} data-testid="tick" data-tick={tick}>
      {tick === "pending" ? <ClockIcon /> : tick === "failed" ? "!" : <TickIcon double={tick !== "sent"} />}
    </span>
  );
}

function Quote({ reply, names, onJump }: { reply: NonNullable<Message["replyTo"]>; names: (id: string) => string; onJump?: () => void }) {
  const body = (
    <>
      <span className="quote__name">{names(reply.senderId)}</span>
      <span className="quote__text">{quoteText(reply)}</span>
    </>
  );
  if (!onJump) return <span className="quote">{body}</span>;
  return (
    <button type="button" className="quote" onClick={onJump} aria-label={`Go to the message replied to: ${quoteText(reply)}`}>
      {body}
    </button>
  );
}

/** One message in the window: quote, attachments, text, time, ticks, reactions and its actions. */
export function MessageBubble({
  message,
  chat,
  me,
  now,
  names,
  sender,
  mentionName,
  actions,
  highlighted,
}: {
  message: Message;
  chat: Chat;
  me: string;
  now: number;
  names: (id: string) => string;
  /** Groups: the first of a run of someone else's bubbles shows who wrote it. */
  sender?: { name: string; avatar: AvatarImage | null };
  /** Groups: a member's name as `@Name` writes it (oneself included, whom names() calls "You"). */
  mentionName?: (id: string) => string;
  actions: BubbleActions;
  highlighted: boolean;
}) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const more = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  useDismiss(open, more, menu, () => setOpen(false));
  useFocusFirst(open, menu);
  const mine = message.senderId === me;
  const deleted = message.deletedAt !== null;
  // Mine that waited offline: when I wrote it, not when the server got it.
  const shownAt = mine ? myWrittenTimes.shownAt(message) : message.createdAt;
  const counts = reactionCounts(message, me);
  const myReaction = message.reactions.find((r) => r.userId === me)?.emoji ?? null;
  const reactionsBlock = counts.length ? (
    <span className="reactions" data-testid="reactions">
      {counts.map((r) => (
        <button
          key={r.emoji}
          type="button"
          className={`reaction${r.mine ? " reaction--mine" : ""}`}
          aria-pressed={r.mine}
          aria-label={`${r.emoji} ${r.count}${r.mine ? ", yours: tap to take it back" : ""}`}
          onClick={() => actions.react(message, r.mine ? null : r.emoji)}
        >
          {r.emoji} {r.count > 1 ? r.count : null}
        </button>
      ))}
    </span>
  ) : null;
  const act = (run: () => void) => () => {
    setOpen(false);
    run();
  };
  return (
    <div
      className={`bubble-row${mine ? " bubble-row--mine" : ""}${chat.kind === "group" && !mine ? " bubble-row--member" : ""}`}
      data-testid="message"
      data-seq={message.seq}
    >
      {chat.kind === "group" && !mine ? (
        <span className="bubble-row__avatar" aria-hidden="true">
          {sender ? <Avatar user={{ name: sender.name, username: null, avatar: sender.avatar }} size={28} /> : null}
        </span>
      ) : null}
      <div className={`bubble${mine ? " bubble--mine" : ""}${highlighted ? " bubble--highlight" : ""}${deleted ? " bubble--deleted" : ""}`}>
        {sender ? (
          <span className="bubble__sender" aria-hidden="true" data-testid="bubble-sender">
            {sender.name}
          </span>
        ) : null}
        <span className="visually-hidden">{mine ? "You" : names(message.senderId)}: </span>
        {message.forwarded && !deleted ? (
          <span className="bubble__forwarded" data-testid="forwarded">
            ↪ Forwarded
          </span>
        ) : null}
        {message.replyTo && !deleted ? <Quote reply={message.replyTo} names={names} onJump={() => actions.jumpTo(message.replyTo?.seq ?? 0)} /> : null}
        {!deleted && message.attachments.length ? (
          <span className="bubble__attachments">
            {message.attachments.map((a) => (
              <AttachmentView key={a.id} attachment={a} />
            ))}
          </span>
        ) : null}
        {deleted ? (
          <span className="bubble__text bubble__text--deleted">{mine ? "You deleted this message" : "This message was deleted"}</span>
        ) : message.text ? (
          <span className="bubble__text">
            {message.mentions.length
              ? mentionParts(message.text, message.mentions.map(mentionName ?? names)).map((part, i) =>
                  part.mention ? (
                    <mark key={i} className="mention" data-testid="mention">
                      {part.text}
                    </mark>
                  ) : (
                    part.text
                  ),
                )
              : message.text}
          </span>
        ) : null}
        <span className="bubble__meta">
          {message.editedAt && !deleted ? <span>edited</span> : null}
          <time dateTime={new Date(shownAt).toISOString()}>{timeLabel(shownAt)}</time>
          {mine ? <Ticks tick={tickOf(chat, message)} /> : null}
        </span>
      </div>
      {
        <>
          <button
            ref={more}
            type="button"
            className="bubble__more"
            aria-expanded={open}
            aria-controls={menuId}
            aria-label="Message actions"
            onClick={() => setOpen((o) => !o)}
          >
            ⋯
          </button>
          {deleted ? null : reactionsBlock}
          {open && deleted ? (
            // A tombstone can still be cleared away from one's own devices.
            <div ref={menu} className="bubble__menu" id={menuId} role="group" aria-label="Message actions" onKeyDown={arrowKeys("both", "button")}>
              <button type="button" className="button button--danger button--small" onClick={() => actions.hide(message)}>
                Delete for me
              </button>
            </div>
          ) : open ? (
            <div ref={menu} className="bubble__menu" id={menuId} role="group" aria-label="Message actions" onKeyDown={arrowKeys("both", "button")}>
              <span className="bubble__emojis">
                {QUICK_REACTIONS.map((emoji) => (
                  <button
                    key={emoji}
                    type="button"
                    className={`reaction${myReaction === emoji ? " reaction--mine" : ""}`}
                    aria-label={`React ${emoji}`}
                    aria-pressed={myReaction === emoji}
                    onClick={act(() => actions.react(message, myReaction === emoji ? null : emoji))}
                  >
                    {emoji}
                  </button>
                ))}
              </span>
              <button type="button" className="button button--ghost button--small" onClick={act(() => actions.reply(message))}>
                Reply
              </button>
              {message.text ? (
                <button type="button" className="button button--ghost button--small" onClick={act(() => actions.copy(message))}>
                  Copy
                </button>
              ) : null}
              <button type="button" className="button button--ghost button--small" onClick={act(() => actions.forward(message))}>
                Forward
              </button>
              {mine ? (
                <button type="button" className="button button--ghost button--small" onClick={act(() => actions.info(message))}>
                  Message info
                </button>
              ) : null}
              {canEdit(message, me, now) ? (
                <button type="button" className="button button--ghost button--small" onClick={act(() => actions.edit(message))}>
                  Edit
                </button>
              ) : null}
              {canDelete(message, me, now) ? (
                // The menu stays open behind the confirmation, so the focus can come back to this button.
                <button type="button" className="button button--danger button--small" onClick={() => actions.remove(message)}>
                  Delete for everyone
                </button>
              ) : null}
              <button type="button" className="button button--danger button--small" onClick={() => actions.hide(message)}>
                Delete for me
              </button>
            </div>
          ) : null}
        </>
      }
      {deleted ? reactionsBlock : null}
    </div>
  );
}

/** A message still in the outbox: a clock while it waits, Retry and Cancel when the server refused it. */
export function PendingBubble({ item, names, actions }: { item: OutboxItem; names: (id: string) => string; actions: BubbleActions }) {
  const failed = item.status === "failed";
  return (
    <div className="bubble-row bubble-row--mine" data-testid="pending-message">
      <div className={`bubble bubble--mine bubble--pending${failed ? " bubble--failed" : ""}`}>
        {item.replyTo ? <Quote reply={item.replyTo} names={names} /> : null}
        {item.attachments.length ? (
          <span className="bubble__attachments">
            {item.attachments.map((a) => (
              <AttachmentView key={a.id} attachment={a} />
            ))}
          </span>
        ) : null}
        {item.text ? <span className="bubble__text">{item.text}</span> : null}
        <span className="bubble__meta">
          <time dateTime={new Date(item.createdAt).toISOString()}>{timeLabel(item.createdAt)}</time>
          <Ticks tick={failed ? "failed" : "pending"} />
        </span>
      </div>
      {failed ? (
        <span className="bubble__failed" role="alert">
          Not sent: {item.error ? errorText(item.error) : "the server refused it."}
          <button type="button" className="button button--ghost button--small" onClick={() => actions.retry(item.clientId)}>
            Retry
          </button>
          <button type="button" className="button button--ghost button--small" onClick={() => actions.cancel(item.clientId)}>
            Cancel
          </button>
        </span>
      ) : null}
    </div>
  );
}
