import { useLayoutEffect, type KeyboardEvent, type RefObject } from "react";

/** Which arrow keys move along a list: up/down, left/right, or both (a wrapping row of buttons). */
export type Orientation = "vertical" | "horizontal" | "both";

const keys: Record<Orientation, { back: string[]; forward: string[] }> = {
  vertical: { back: ["ArrowUp"], forward: ["ArrowDown"] },
  horizontal: { back: ["ArrowLeft"], forward: ["ArrowRight"] },
  both: { back: ["ArrowUp", "ArrowLeft"], forward: ["ArrowDown", "ArrowRight"] },
};

/**
 * Where a key moves the focus in a list of `count` items from `index` (-1: none focused yet):
 * arrows step and wrap around, Home and End go to the ends; undefined for any other key.
 */
export function nextIndex(key: string, index: number, count: number, orientation: Orientation): number | undefined {
  if (count === 0) return undefined;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  if (keys[orientation].forward.includes(key)) return index < 0 ? 0 : (index + 1) % count;
  if (keys[orientation].back.includes(key)) return index < 0 ? count - 1 : (index - 1 + count) % count;
  return undefined;
}

const focusable = "a[href], button:not([disabled]), input:not([disabled])";

/**
 * A keydown handler for a list, menu or toolbar: the arrow keys (and Home, End) move the focus
 * between the items matching `selector` inside the element it is on. Tab still leaves the list.
 */
export function arrowKeys(orientation: Orientation, selector = focusable) {
  return (event: KeyboardEvent<HTMLElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>(selector)];
    const index = items.findIndex((item) => item === document.activeElement);
    const next = nextIndex(event.key, index, items.length, orientation);
    if (next === undefined) return;
    // Only when the focus is on an item: the arrows of a text field inside (none today) stay its own.
    if (index < 0 && event.target !== event.currentTarget) return;
    event.preventDefault();
    items[next]?.focus();
  };
}

/**
 * A menu opened (by click, Enter or Space) takes the focus on its first item, so the arrows work at
 * once. In a layout effect, as it shows: Preact runs a plain effect a frame later, or just before
 * the component's next render, so a quick Escape (which closes the menu and gives the focus back
 * to its button) was followed by this focus moving into the menu that was going away.
 */
export function useFocusFirst(open: boolean, popup: RefObject<HTMLElement | null>): void {
  useLayoutEffect(() => {
    if (open) popup.current?.querySelector<HTMLElement>(focusable)?.focus();
  }, [open, popup]);
}
