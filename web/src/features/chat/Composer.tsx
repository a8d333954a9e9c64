import { MAX_ATTACHMENT_BYTES, type Attachment, type Message } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import {
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type Ref,
} from "react";
import { errorMessage } from "../../api/errorText.ts";
import { ApiError } from "../../api/http.ts";
import { CloseIcon, PaperclipIcon, SendIcon, SmileIcon } from "../../components/icons.tsx";
import { insertMention, mentionCandidates, mentionQuery, mentionsIn, type Mentionable } from "../groups/mentions.ts";
import { useDismiss } from "../../components/useDismiss.ts";
import { attachmentTransportAtom } from "./attachments.ts";
import { insertAt } from "./emoji.ts";
import { EmojiPicker } from "./EmojiPicker.tsx";
import { quoteText } from "./messageText.ts";
import { replyPreview } from "./outbox.ts";
import { lengthNote } from "./textLimit.ts";
import { TypingSender } from "./typing.ts";
import { FormError } from "../../components/FormError.tsx";

/** A file on its way: uploading as soon as it is chosen, pasted or dropped; `preview` is an object URL of a picked image, shown until sent or removed. */
type Upload = { key: number; name: string; progress: number; controller: AbortController; done?: Attachment; error?: string; preview?: string };

/** What the chat pane hands the composer: files dropped anywhere on it. */
export type ComposerHandle = { attach: (files: readonly File[]) => void };

type Props = {
  chatId: string;
  disabled: boolean;
  /** Groups: the members one may @mention. */
  members?: readonly Mentionable[];
  replyTo: Message | undefined;
  editing: Message | undefined;
  names: (id: string) => string;
  onSend: (text: string, attachments: Attachment[], mentions: string[]) => void;
  onEdit: (message: Message, text: string) => Promise<void>;
  onCancelReply: () => void;
  onCancelEdit: () => void;
  onTyping: (typing: boolean) => void;
  ref?: Ref<ComposerHandle>;
};

/** The message field (mounted per chat): grows with the text, counts near the limit; reply and edit bars, attachments with upload progress, typing sent as you type. */
export function Composer({ chatId, disabled, members, replyTo, editing, names, onSend, onEdit, onCancelReply, onCancelEdit, onTyping, ref }: Props) {
  const transport = useAtomValue(attachmentTransportAtom);
  const [text, setText] = useState("");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const uploadKey = useRef(0);
  const [error, setError] = useState<string>();
  const countId = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const typing = useRef<TypingSender | null>(null);
  const [picking, setPicking] = useState(false);
  const [caret, setCaret] = useState(0);
  const [chosen, setChosen] = useState(0);
  const [mentionsOff, setMentionsOff] = useState(false);
  const listId = useId();
  const emojiButton = useRef<HTMLButtonElement>(null);
  const picker = useRef<HTMLDivElement>(null);
  useDismiss(picking, emojiButton, picker, () => setPicking(false));
  // Object URLs of previews still shown: revoked when the composer goes.
  const previews = useRef(new Set<string>());
  useEffect(() => {
    const shown = previews.current;
    return () => shown.forEach((url) => URL.revokeObjectURL(url));
  }, []);
  const onTypingRef = useRef(onTyping);
  useEffect(() => {
    onTypingRef.current = onTyping;
  });
  useEffect(() => {
    const sender = new TypingSender((t) => onTypingRef.current(t));
    typing.current = sender;
    return () => sender.stop();
  }, [chatId]);
  // Starting or ending an edit puts its text in the field (set while rendering, not in an effect).
  const [editingId, setEditingId] = useState(editing?.id);
  if (editing?.id !== editingId) {
    setEditingId(editing?.id);
    setText(editing?.text ?? "");
  }
  useEffect(() => {
    if (editing || replyTo) field.current?.focus();
  }, [editing, replyTo]);
  // A pick (a mention, an emoji) puts the caret after what it inserted as soon as the new text is in
  // the field: a frame later, keys typed meanwhile would land after it and the rest before it.
  const caretAfterPick = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const at = caretAfterPick.current;
    if (at === undefined) return;
    caretAfterPick.current = undefined;
    field.current?.setSelectionRange(at, at);
  }, [text]);
  // Grows with its text; the CSS max-height stops it at a few lines, then it scrolls.
  useLayoutEffect(() => {
    const box = field.current;
    if (!box) return;
    box.style.height = "auto";
    box.style.height = `${box.scrollHeight + box.offsetHeight - box.clientHeight}px`;
  }, [text]);

  const ready = uploads.filter((u) => u.done).map((u) => u.done as Attachment);
  const uploading = uploads.some((u) => !u.done && !u.error);
  const length = lengthNote(text.length);
  const tooLong = (length?.over ?? 0) > 0;
  const query = members && !mentionsOff ? mentionQuery(text, caret) : undefined;
  const suggestions = query && members ? mentionCandidates(members, query.query) : [];
  const active = suggestions[Math.min(chosen, suggestions.length - 1)];
  const canSend = !disabled && !uploading && !tooLong && (text.trim().length > 0 || ready.length > 0);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    typing.current?.stop();
    setError(undefined);
    if (editing) {
      try {
        await onEdit(editing, text.trim());
        setText("");
      } catch (failure) {
        setError(errorMessage(failure));
      }
      return;
    }
    onSend(text.trim(), ready, members ? mentionsIn(text, members) : []);
    setText("");
    clearUploads();
  };

  const clearUploads = () => {
    setUploads((list) => {
      list.forEach(forgetPreview);
      return [];
    });
  };

  const forgetPreview = (upload: Upload) => {
    if (!upload.preview) return;
    URL.revokeObjectURL(upload.preview);
    previews.current.delete(upload.preview);
  };

  const pickEmoji = (emoji: string) => {
    const box = field.current;
    const { text: next, caret } = insertAt(text, emoji, box?.selectionStart ?? text.length, box?.selectionEnd ?? text.length);
    caretAfterPick.current = caret;
    setText(next);
    if (!editing) typing.current?.input(next);
  };

  // Pasted files (a screenshot, files copied in a file manager) are attached; pasted text stays text.
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(event.clipboardData.files);
    if (files.length === 0 || !transport || editing || disabled) return;
    event.preventDefault();
    attach(files);
  };

  const pickMention = (member: Mentionable) => {
    if (!query) return;
    const next = insertMention(text, query.start, caret, member.name);
    caretAfterPick.current = next.caret;
    setText(next.text);
    setCaret(next.caret);
    setChosen(0);
    field.current?.focus();
  };

  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (active) {
      const step = event.key === "ArrowDown" ? 1 : event.key === "ArrowUp" ? -1 : 0;
      if (step) {
        event.preventDefault();
        setChosen((i) => (Math.min(i, suggestions.length - 1) + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey) {
        event.preventDefault();
        pickMention(active);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setMentionsOff(true);
        return;
      }
    }
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) void submit(event);
    if (event.key === "Escape") (editing ? onCancelEdit : onCancelReply)();
  };

  const attach = (files: FileList | readonly File[] | null) => {
    if (!files || !transport || editing || disabled) return;
    for (const chosen of Array.from(files)) {
      const key = ++uploadKey.current;
      const controller = new AbortController();
      const update = (patch: Partial<Upload>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));
      if (chosen.size > MAX_ATTACHMENT_BYTES) {
        const error = errorMessage(new ApiError("UPLOAD_TOO_LARGE", "over the limit", 0, { maxBytes: MAX_ATTACHMENT_BYTES }));
        setUploads((list) => [...list, { key, name: chosen.name, progress: 0, controller, error }]);
        continue;
      }
      const preview = chosen.type.startsWith("image/") ? URL.createObjectURL(chosen) : undefined;
      if (preview) previews.current.add(preview);
      setUploads((list) => [...list, { key, name: chosen.name || "pasted image", progress: 0, controller, ...(preview ? { preview } : {}) }]);
      transport.upload(chatId, chosen, { signal: controller.signal, onProgress: (progress) => update({ progress }) }).then(
        (done) => update({ done, progress: 1 }),
        (failure: unknown) => {
          if (!controller.signal.aborted) update({ error: errorMessage(failure) });
        },
      );
    }
    if (file.current) file.current.value = "";
  };

  useImperativeHandle(ref, () => ({ attach }));

  const drop = (upload: Upload) => {
    upload.controller.abort();
    forgetPreview(upload);
    setUploads((list) => list.filter((u) => u.key !== upload.key));
  };

  const bar = editing
    ? { title: "Editing message", text: editing.text ?? "", cancel: onCancelEdit, label: "Cancel editing" }
    : replyTo
      ? { title: `Replying to ${names(replyTo.senderId)}`, text: quoteText(replyPreview(replyTo)), cancel: onCancelReply, label: "Cancel the reply" }
      : undefined;

  return (
    <form className="composer" onSubmit={(e) => void submit(e)} aria-label="Write a message">
      {bar ? (
        <div className="composer__bar">
          <span className="quote quote--bar">
            <span className="quote__name">{bar.title}</span>
            <span className="quote__text">{bar.text}</span>
          </span>
          <button type="button" className="icon-button icon-button--small" onClick={bar.cancel} aria-label={bar.label}>
            <CloseIcon />
          </button>
        </div>
      ) : null}
      {uploads.length ? (
        <ul className="composer__uploads" aria-label="Attachments">
          {uploads.map((u) => (
            <li key={u.key} className="upload" data-testid="upload">
              {u.preview ? (
                <img className="upload__preview" src={u.preview} alt="" />
              ) : (
                <span className="upload__file" aria-hidden="true">
                  📄
                </span>
              )}
              <span className="upload__name">{u.name}</span>
              {u.error ? <FormError message={u.error} inline /> : <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} />}
              <button type="button" className="icon-button icon-button--small" onClick={() => drop(u)} aria-label={`Remove ${u.name}`}>
                <CloseIcon />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <FormError message={error} className="composer__error" />
      {suggestions.length ? (
        <ul className="mentions" id={listId} role="listbox" aria-label="Mention a member" data-testid="mention-list">
          {suggestions.map((member) => (
            <li
              key={member.id}
              id={`${listId}-${member.id}`}
              role="option"
              aria-selected={member === active}
              className={`mentions__option${member === active ? " mentions__option--active" : ""}`}
              // The field keeps the focus: a press picks without blurring it.
              onMouseDown={(e) => {
                e.preventDefault();
                pickMention(member);
              }}
            >
              @{member.name}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="composer__row">
        {transport && !editing ? (
          <>
            <button type="button" className="icon-button" onClick={() => file.current?.click()} aria-label="Attach a photo or file" disabled={disabled}>
              <PaperclipIcon />
            </button>
            <input ref={file} type="file" multiple hidden onChange={(e) => attach(e.target.files)} data-testid="attach-input" />
          </>
        ) : null}
        <span className="composer__emoji-anchor">
          <button
            ref={emojiButton}
            type="button"
            className="icon-button"
            aria-label="Emoji"
            aria-expanded={picking}
            aria-haspopup="dialog"
            disabled={disabled}
            onClick={() => setPicking((p) => !p)}
          >
            <SmileIcon />
          </button>
          {picking ? (
            <div ref={picker}>
              <EmojiPicker
                onPick={pickEmoji}
                onClose={() => {
                  setPicking(false);
                  field.current?.focus();
                }}
              />
            </div>
          ) : null}
        </span>
        <textarea
          ref={field}
          className="composer__field"
          rows={1}
          value={text}
          disabled={disabled}
          placeholder={disabled ? "You can only message your connections" : uploads.length ? "Add a caption" : "Message"}
          aria-label="Message"
          aria-autocomplete={members ? "list" : undefined}
          aria-controls={suggestions.length ? listId : undefined}
          aria-activedescendant={active ? `${listId}-${active.id}` : undefined}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          aria-describedby={length ? countId : undefined}
          aria-invalid={tooLong || undefined}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setMentionsOff(false);
            if (!editing) typing.current?.input(e.target.value);
          }}
          onBlur={() => typing.current?.stop()}
          onKeyDown={onKey}
          onPaste={onPaste}
        />
        <button
          type="submit"
          className="composer__send"
          disabled={!canSend}
          aria-label={editing ? "Save the edit" : "Send"}
          aria-describedby={tooLong ? countId : undefined}
          title={tooLong ? "Too long to send" : undefined}
        >
          <SendIcon />
        </button>
      </div>
      {length ? (
        <p id={countId} className={`composer__count${tooLong ? " composer__count--over" : ""}`} data-testid="length-count">
          {length.text}
        </p>
      ) : null}
    </form>
  );
}
