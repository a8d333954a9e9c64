import type { RefObject } from "react";
import { cameraText } from "./cameraText.ts";
import type { CameraStatus } from "./useBarcodeScanner.ts";

type Props = { videoRef: RefObject<HTMLVideoElement | null>; status: CameraStatus; onRetry: () => void; paired?: boolean };

/** The full-bleed camera picture with an aiming frame, or why there is none. */
export function CameraView({ videoRef, status, onRetry, paired = false }: Props) {
  const problem = cameraText(status, { paired });
  return (
    <div className={`camera camera--${status}`} data-camera-status={status}>
      <video ref={videoRef} className="camera__video" muted playsInline aria-label="Camera preview" />
      {status === "scanning" ? <div className="camera__frame" aria-hidden="true" /> : null}
      {problem ? (
        <div className="camera__message" role={status === "starting" ? undefined : "alert"}>
          <p>{problem.text}</p>
          {problem.canRetry ? (
            <button type="button" className="button button--light" onClick={onRetry}>
              Try again
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
