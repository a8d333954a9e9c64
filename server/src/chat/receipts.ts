import type { Receipts } from "@easyqr/protocol";
import { chatNotFound, readableChat } from "../access/chats.ts";
import { AppError } from "../errors.ts";
import type { DeviceReceiptRow, MemberRow } from "./rows.ts";
import type { GroupTicks } from "./send.ts";
import type { ChatStatements } from "./store/store.ts";
import { advance, type Receipt } from "./watermarks.ts";

/** One DELIVERED or SEEN of a device waiting for its chat's batch (ReceiptQueue); `done` runs after the commit. */
export type ReceiptItem = { userId: string; sessionId: string; chatId: string; seq: number; kind: Receipt; done: (error?: Error) => void };

/** The reader's new watermarks and unread count (their devices hear them, a 1-1 peer the marks), nothing when none moved, or why not. */
export type ReceiptOutcome = { receipts: Receipts; unread: number; peerId: string | undefined } | undefined | { error: AppError };

/**
 * Moves the watermarks of a batch of readers of one chat, in one transaction with a fixed number
 * of statements: up to each `seq` (never back, never past the chat's last message); seen implies
 * delivered. Two sets move per reader: the device's own (a device_receipts row per advance:
 * message info) and the member's, the furthest any of their devices got. The rows are read for the
 * whole batch, each receipt is applied in memory in order (two of one person or device in a batch
 * build on each other), then written at once. A group's lowest marks (ADR 0008 decision 3) are
 * recomputed under its lock, once for the batch and only when a reader held them: "everyone reads
 * at once" costs one aggregate update. A reader who may not read the chat is answered alone (an
 * AppError); a former group member's receipts are accepted and change nothing.
 */
export async function markAll(
  q: ChatStatements,
  chatId: string,
  items: ReceiptItem[],
  now: number,
): Promise<{ outcomes: ReceiptOutcome[]; ticks: GroupTicks | undefined }> {
  const read = await q.chat(chatId);
  // Under the group's lock, two batches of it at once (two nodes) cannot both miss the other's move.
  const locked = read?.kind === "group" ? (await q.lockChats([chatId]))[0] : undefined;
  const chat = locked ?? read;
  const members = new Map((await q.membersOf(chatId, [...new Set(items.map((i) => i.userId))])).map((m) => [m.userId, m]));
  const devices = await q.deviceMarksOf(chatId, [...new Set(items.map((i) => i.sessionId))]);
  const moved = new Map<string, MemberRow>();
  const advances: DeviceReceiptRow[] = [];
  const outcomes: ReceiptOutcome[] = [];
  let heldLowest = false;
  for (const item of items) {
    try {
      const member = members.get(item.userId);
      const { peerId } = readableChat(chat, item.userId, chatNotFound, member && { role: member.role });
      if (!chat || !member) throw chatNotFound();
      const group = chat.kind === "group";
      // A former member's receipts change nothing.
      if (group && !member.role) {
        outcomes.push(undefined);
        continue;
      }
      const upTo = Math.min(item.seq, chat.lastSeq);
      const device = advance(devices.get(item.sessionId) ?? { deliveredSeq: 0, seenSeq: 0 }, upTo, item.kind);
      if (device) {
        devices.set(item.sessionId, device);
        advances.push({ chatId, userId: item.userId, sessionId: item.sessionId, ...device, at: now });
      }
      const marks = advance(member, upTo, item.kind);
      if (!marks) {
        outcomes.push(undefined);
        continue;
      }
      // A group's is derived from its marks (ADR 0008); a 1-1 chat's is what the peer sent past the seen mark.
      const peerSeen =
        !group && marks.seenSeq > member.seenSeq
          ? member.peerSeen + (await q.othersBetween(chatId, member.seenSeq, marks.seenSeq, item.userId))
          : member.peerSeen;
      const unread = group ? Math.max(0, chat.lastSeq - marks.seenSeq) : Math.max(0, (item.userId === chat.userLow ? chat.highSent : chat.lowSent) - peerSeen);
      // The reader held the group's lowest mark: the batch looks for the new one (one indexed lookup).
      if (locked && (member.seenSeq === locked.minSeenSeq || member.deliveredSeq === locked.minDeliveredSeq)) heldLowest = true;
      const next = { ...member, ...marks, peerSeen };
      members.set(item.userId, next);
      moved.set(item.userId, next);
      outcomes.push({ receipts: marks, unread, peerId });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ error });
    }
  }
  if (advances.length > 0) await q.addDeviceReceipts(advances);
  if (moved.size > 0) await q.setReceipts(chatId, [...moved.values()]);
  if (!locked || !heldLowest) return { outcomes, ticks: undefined };
  const theirs = await q.refreshMins(chatId);
  if (theirs.seenSeq === locked.minSeenSeq && theirs.deliveredSeq === locked.minDeliveredSeq) return { outcomes, ticks: undefined };
  return { outcomes, ticks: { chatId, theirs, members: await q.memberIds(chatId) } };
}
