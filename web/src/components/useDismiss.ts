import { useEffect, useRef, type RefObject } from "react";

/**
 * While `active`: a press anywhere outside `trigger` and `popup` calls `close`, and so does
 * Escape, which also puts the focus back on `trigger` (the popup it was in is going away).
 */
export function useDismiss(active: boolean, trigger: RefObject<HTMLElement | null>, popup: RefObject<HTMLElement | null>, close: () => void): void {
  const closeRef = useRef(close);
  useEffect(() => {
    closeRef.current = close;
  });
  useEffect(() => {
    if (!active) return;
    const onPress = (event: PointerEvent) => {
      const target = event.target instanceof Node ? event.target : null;
      if (trigger.current?.contains(target) || popup.current?.contains(target)) return;
      closeRef.current();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      closeRef.current();
      trigger.current?.focus();
    };
    document.addEventListener("pointerdown", onPress);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPress);
      document.removeEventListener("keydown", onKey);
    };
  }, [active, trigger, popup]);
}
