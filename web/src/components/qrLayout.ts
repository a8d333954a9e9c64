/** The quiet zone around a QR code, in modules (the standard's minimum). */
export const QR_MARGIN = 4;
/** A module at least this many CSS pixels wide reads with a phone camera at arm's length from a screen at pixel ratio 1. */
export const MIN_MODULE_PX = 4;

/**
 * Pixels per module and the drawn size for a QR code of `modules` modules aimed at about `target`
 * CSS pixels: whole pixels per module (a fractional scale blurs every edge at pixel ratio 1), never
 * fewer than MIN_MODULE_PX, so a long payload makes a larger code rather than an unreadable one.
 */
export function qrLayout(modules: number, target: number): { modulePx: number; sizePx: number } {
  const total = modules + 2 * QR_MARGIN;
  const modulePx = Math.max(MIN_MODULE_PX, Math.floor(target / total));
  return { modulePx, sizePx: modulePx * total };
}
