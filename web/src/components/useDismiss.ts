import { useEffect, useLayoutEffect, useRef, type RefObject } from "react";

/**
 * While `active`: a press anywhere outside `trigger` and `popup` calls `close`, and so does
 * Escape, which also puts the focus back on `trigger` (the popup it was in is going away).
 * A dialog opened from the popup (a confirmation) is not "outside": it answers for itself.
 * The listeners go on in a layout effect: the popup must answer from the moment it shows (Preact
 * runs plain effects a frame later, so a quick Escape could otherwise find nobody listening).
 */
export function useDismiss(active: boolean, trigger: RefObject<HTMLElement | null>, popup: RefObject<HTMLElement | null>, close: () => void): void {
  const closeRef = useRef(close);
  useEffect(() => {
    closeRef.current = close;
  });
  useLayoutEffect(() => {
    if (!active) return;
    const inDialogAbove = (target: EventTarget | null) => {
      const dialog = target instanceof Element ? target.closest("dialog") : null;
      return dialog !== null && !dialog.contains(trigger.current);
    };
    const onPress = (event: PointerEvent) => {
      const target = event.target instanceof Node ? event.target : null;
      if (trigger.current?.contains(target) || popup.current?.contains(target) || inDialogAbove(event.target)) return;
      closeRef.current();
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || inDialogAbove(event.target)) return;
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
