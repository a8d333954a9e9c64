import { useEffect, useRef, useState } from "react";
import QRCode from "qrcode";
import { QR_MARGIN, qrLayout } from "./qrLayout.ts";

/**
 * A QR code drawn on a canvas: black on white, 4-module quiet zone, medium error correction
 * (survives glare and a tilted phone), whole pixels per module (sharp at any pixel ratio) and
 * never under 4 CSS pixels per module: `size` is a target the code grows past for long texts.
 */
export function QrImage({ text, size = 264, label }: { text: string; size?: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(size);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const modules = QRCode.create(text, { errorCorrectionLevel: "M" }).modules.size;
    const { modulePx, sizePx } = qrLayout(modules, size);
    const scale = Math.max(1, Math.ceil(window.devicePixelRatio || 1));
    QRCode.toCanvas(element, text, {
      errorCorrectionLevel: "M",
      margin: QR_MARGIN,
      scale: modulePx * scale,
      color: { dark: "#000000", light: "#ffffff" },
    }).catch((error: unknown) => console.error("easyqr: QR drawing failed", error));
    element.style.width = element.style.height = `${sizePx}px`;
    setDrawn(sizePx);
  }, [text, size]);

  return <canvas ref={canvas} className="qr" role="img" aria-label={label} data-qr-text={text} data-qr-size={drawn} width={size} height={size} />;
}
