import { useEffect, useEffectEvent, useRef, useState } from "react";
import type { BarcodeFormat } from "@easyqr/protocol";
import type { Decoder, Detection } from "./decoder.ts";

/**
 * starting: asking for the camera. scanning: frames are being read.
 * insecure: the page is not HTTPS/localhost, so the browser hides the camera.
 * denied / missing / busy: what the browser said. failed: anything else.
 */
export type CameraStatus = "off" | "starting" | "scanning" | "insecure" | "unsupported" | "denied" | "missing" | "busy" | "failed";

export type ScannerOptions = {
  enabled: boolean;
  formats: readonly BarcodeFormat[];
  onDetect: (detection: Detection) => void;
  /** Pause between reads; the worker is busy about 30–80 ms per frame. */
  intervalMs?: number;
};

/** Camera + decoding behind one hook: rear camera preferred, every frame read in a loop until disabled. */
export function useBarcodeScanner({ enabled, formats, onDetect, intervalMs = 120 }: ScannerOptions) {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const [status, setStatus] = useState<CameraStatus>("off");
  const [attempt, setAttempt] = useState(0);
  const detected = useEffectEvent(onDetect);
  const currentFormats = useEffectEvent(() => formats);

  useEffect(() => {
    const video = videoRef.current;
    if (!enabled || !video) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let decoder: Decoder | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const report = (next: CameraStatus) => {
      if (!stopped) setStatus(next);
    };

    const loop = async () => {
      if (stopped || !decoder) return;
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
        try {
          for (const detection of await decoder.decode(video, currentFormats())) if (!stopped) detected(detection);
        } catch (error) {
          console.warn("easyqr: a frame could not be read", error);
        }
      }
      if (!stopped) timer = setTimeout(() => void loop(), intervalMs);
    };

    const start = async () => {
      report("starting");
      if (!window.isSecureContext) return report("insecure");
      if (!navigator.mediaDevices?.getUserMedia) return report("unsupported");
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        });
      } catch (error) {
        return report(cameraError(error));
      }
      if (stopped) return stopTracks(stream);
      video.srcObject = stream;
      video.muted = true;
      video.playsInline = true;
      await video.play().catch(() => undefined);
      const { createDecoder } = await import("./decoder.ts");
      decoder = await createDecoder();
      if (stopped) return decoder.close();
      report("scanning");
      void loop();
    };

    void start().catch((error: unknown) => {
      console.error("easyqr: camera failed", error);
      report("failed");
    });

    return () => {
      stopped = true;
      clearTimeout(timer);
      decoder?.close();
      if (stream) stopTracks(stream);
      video.srcObject = null;
    };
  }, [enabled, attempt, intervalMs]);

  return { videoRef, status: enabled ? status : "off", retry: () => setAttempt((n) => n + 1) } as const;
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

function cameraError(error: unknown): CameraStatus {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "missing";
  if (name === "NotReadableError" || name === "AbortError") return "busy";
  return "failed";
}
