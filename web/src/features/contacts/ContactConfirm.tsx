import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";

export type ContactChange = "remove" | "block";

const texts: Record<ContactChange, { title: (name: string) => string; body: string; confirmLabel: string }> = {
  remove: {
    title: (name) => `Remove ${name}?`,
    body: "You will no longer be connected, and cannot message each other until one of you adds the other again.",
    confirmLabel: "Remove",
  },
  block: {
    title: (name) => `Block ${name}?`,
    body: "You will no longer be connected; they cannot message you or send you requests, and are not told. You can unblock them in Settings.",
    confirmLabel: "Block",
  },
};

/** Asks before removing or blocking a contact (neither can be undone from where it was asked). */
export function ContactConfirm({ change, name, onCancel, onConfirm }: { change: ContactChange; name: string; onCancel: () => void; onConfirm: () => void }) {
  const text = texts[change];
  return <ConfirmDialog title={text.title(name)} body={text.body} confirmLabel={text.confirmLabel} onCancel={onCancel} onConfirm={onConfirm} />;
}
