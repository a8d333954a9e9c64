import { StatusText } from "../../components/StatusText.tsx";
import type { StatusTone } from "../../components/StatusText.tsx";

type Props = {
  title: string;
  body: string;
  action: string;
  busy: boolean;
  status?: { text: string; tone: StatusTone };
  onStart: () => void;
};

/** Before a session, and after one ended or expired: one clear button. */
export function StartCard({ title, body, action, busy, status, onStart }: Props) {
  return (
    <section className="card start" aria-labelledby="start-title">
      <h1 id="start-title">{title}</h1>
      <p className="lead">{body}</p>
      <button type="button" className="button button--primary button--large" onClick={onStart} disabled={busy} aria-busy={busy}>
        {busy ? "Please wait…" : action}
      </button>
      {status ? <StatusText text={status.text} tone={status.tone} /> : null}
    </section>
  );
}
