import type { Avatar as AvatarImage, Chat, Message } from "@easyqr/protocol";
import { forwardRef, useImperativeHandle, useRef } from "react";
import { Virtuoso, type VirtuosoHandle } from "react-virtuoso";
import { MessageBubble, PendingBubble, type BubbleActions } from "./MessageBubble.tsx";
import { dayLabel, sameDay } from "./messageText.ts";
import type { OutboxItem } from "./outbox.ts";
import { systemText } from "../groups/groupText.ts";

type Item = { kind: "message"; message: Message } | { kind: "pending"; item: OutboxItem };
/** A bubble that follows one of the same sender's (no system line between) does not name them again. */
const sameSender = (previous: Item | undefined, item: Item & { kind: "message" }) =>
  previous?.kind === "message" &&
  !previous.message.system &&
  previous.message.senderId === item.message.senderId &&
  sameDay(previous.message.createdAt, item.message.createdAt);
const at = (item: Item) => (item.kind === "message" ? item.message.createdAt : item.item.createdAt);

/** Groups: who wrote a message, as its bubble shows them. */
export type SenderOf = (userId: string) => { name: string; avatar: AvatarImage | null };

export type MessageListHandle = { scrollToSeq(seq: number): void; scrollToEnd(): void };

type Props = {
  chat: Chat;
  messages: Message[];
  pending: OutboxItem[];
  hasOlder: boolean;
  me: string;
  now: number;
  names: (id: string) => string;
  /** Groups only: others' bubbles show their name and photo; system lines say what happened. */
  senderOf?: SenderOf;
  /** Groups: a member's name as `@Name` writes it. */
  mentionName?: (id: string) => string;
  actions: BubbleActions;
  highlighted: number | undefined;
  onStartReached: () => void;
  /** Whether the newest message is on screen (it changes as the reader scrolls). */
  onAtBottom: (atBottom: boolean) => void;
};

/**
 * The history, virtualised (only the rows on screen are in the DOM, so 10,000 messages scroll
 * like 10). Items are indexed by seq: `firstItemIndex` is the first loaded seq, so an older page
 * prepended lowers it by the page's length and the view stays where it was.
 */
export const MessageList = forwardRef<MessageListHandle, Props>(function MessageList(
  { chat, messages, pending, hasOlder, me, now, names, senderOf, mentionName, actions, highlighted, onStartReached, onAtBottom },
  ref,
) {
  const virtuoso = useRef<VirtuosoHandle>(null);
  const firstSeq = messages[0]?.seq ?? 1;
  const items: Item[] = [...messages.map((message) => ({ kind: "message" as const, message })), ...pending.map((item) => ({ kind: "pending" as const, item }))];
  useImperativeHandle(ref, () => ({
    scrollToSeq: (seq) => virtuoso.current?.scrollToIndex({ index: seq - firstSeq, align: "center", behavior: "auto" }),
    scrollToEnd: () => virtuoso.current?.scrollToIndex({ index: "LAST", align: "end", behavior: "auto" }),
  }));
  return (
    <Virtuoso
      ref={virtuoso}
      className="messages"
      data={items}
      firstItemIndex={firstSeq}
      initialTopMostItemIndex={Math.max(0, items.length - 1)}
      alignToBottom
      followOutput={(atBottom) => (atBottom ? "smooth" : false)}
      atBottomStateChange={onAtBottom}
      atBottomThreshold={48}
      startReached={() => hasOlder && onStartReached()}
      increaseViewportBy={{ top: 600, bottom: 300 }}
      computeItemKey={(_, item) => (item.kind === "message" ? item.message.id : item.item.clientId)}
      components={{
        Header: () =>
          hasOlder ? (
            <p className="messages__more" role="status">
              Loading earlier messages…
            </p>
          ) : (
            <p className="messages__start">{chat.kind === "group" ? "This is the start of the group." : "This is the start of your chat."}</p>
          ),
      }}
      itemContent={(index, item) => {
        const previous = items[index - firstSeq - 1];
        const separator = !previous || !sameDay(at(previous), at(item));
        return (
          <div className="messages__item">
            {separator ? (
              <p className="day-separator">
                <span>{dayLabel(at(item), now)}</span>
              </p>
            ) : null}
            {item.kind === "message" && item.message.system ? (
              <p className="system-line" data-testid="system-line" data-seq={item.message.seq}>
                <span>{systemText(item.message.system, item.message.senderId, names, me)}</span>
              </p>
            ) : item.kind === "message" ? (
              <MessageBubble
                message={item.message}
                chat={chat}
                me={me}
                now={now}
                names={names}
                sender={senderOf && item.message.senderId !== me && !sameSender(previous, item) ? senderOf(item.message.senderId) : undefined}
                mentionName={mentionName}
                actions={actions}
                highlighted={highlighted === item.message.seq}
              />
            ) : (
              <PendingBubble item={item.item} names={names} actions={actions} />
            )}
          </div>
        );
      }}
    />
  );
});
