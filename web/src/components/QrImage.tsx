import { useEffect, useRef } from "react";
import QRCode from "qrcode";

/**
 * A QR code drawn on a canvas: black on white, 4-module quiet zone, medium
 * error correction (survives glare and a tilted phone), sharp on HiDPI screens.
 */
export function QrImage({ text, size = 264, label }: { text: string; size?: number; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const scale = Math.max(1, Math.ceil(window.devicePixelRatio || 1));
    QRCode.toCanvas(element, text, {
      errorCorrectionLevel: "M",
      margin: 4,
      width: size * scale,
      color: { dark: "#000000", light: "#ffffff" },
    }).catch((error: unknown) => console.error("easyqr: QR drawing failed", error));
    element.style.width = element.style.height = `${size}px`;
  }, [text, size]);

  return <canvas ref={canvas} className="qr" role="img" aria-label={label} data-qr-text={text} width={size} height={size} />;
}
