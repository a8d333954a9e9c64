import { useEffect, useRef } from "react";

/** A short note at the bottom of the screen ("Copied"), read out by screen readers, gone after a moment (`id` starts the moment again). */
export function Toast({ text, id, onGone, ms = 2000 }: { text: string; id: number; onGone: () => void; ms?: number }) {
  const gone = useRef(onGone);
  useEffect(() => {
    gone.current = onGone;
  });
  useEffect(() => {
    const timer = setTimeout(() => gone.current(), ms);
    return () => clearTimeout(timer);
  }, [id, ms]);
  return (
    <p className="toast" role="status" data-testid="toast">
      {text}
    </p>
  );
}
