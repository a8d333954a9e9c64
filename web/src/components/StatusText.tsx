/** How a status line looks: its dot and colour. */
export type StatusTone = "neutral" | "waiting" | "ok" | "warn" | "error";

/** A live status line: screen readers announce each change. */
export function StatusText({ text, tone, large = false }: { text: string; tone: StatusTone; large?: boolean }) {
  return (
    <p role="status" aria-live="polite" className={`status status--${tone}${large ? " status--large" : ""}`}>
      <span className="status__dot" aria-hidden="true" />
      {text}
    </p>
  );
}
