import { useEffect, useState, type KeyboardEvent, type PointerEvent, type RefObject } from "react";
import { clampSidebarWidth, savedSidebarWidth, saveSidebarWidth, SIDEBAR_MIN } from "./sidebarWidth.ts";

/** The sidebar's width as the user set it (undefined: the stylesheet's responsive default), kept across visits. */
export function useSidebarWidth(): [number | undefined, (width: number | undefined) => void] {
  const [width, setWidth] = useState(savedSidebarWidth);
  useEffect(() => saveSidebarWidth(width), [width]);
  return [width, setWidth];
}

const STEP = 24;

/** The sidebar's right edge: drag it, or focus it and use the arrow keys (Home: back to the default). */
export function SidebarResizer({
  sidebar,
  width,
  onResize,
}: {
  sidebar: RefObject<HTMLElement | null>;
  width: number | undefined;
  onResize: (width: number | undefined) => void;
}) {
  const current = () => width ?? sidebar.current?.getBoundingClientRect().width ?? 380;
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    const handle = event.currentTarget;
    handle.setPointerCapture(event.pointerId);
    const left = sidebar.current?.getBoundingClientRect().left ?? 0;
    const move = (e: globalThis.PointerEvent) => onResize(clampSidebarWidth(e.clientX - left, window.innerWidth));
    const up = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", up);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", up);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const delta = event.key === "ArrowRight" ? STEP : event.key === "ArrowLeft" ? -STEP : 0;
    if (event.key === "Home") onResize(undefined);
    else if (delta) onResize(clampSidebarWidth(current() + delta, window.innerWidth));
    else return;
    event.preventDefault();
  };
  return (
    <div
      className="sidebar__resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the chat list"
      aria-valuenow={Math.round(current())}
      aria-valuemin={SIDEBAR_MIN}
      aria-valuemax={720}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onDoubleClick={() => onResize(undefined)}
    />
  );
}
