import type { CameraStatus } from "./useBarcodeScanner.ts";

/** What the phone says about its camera, and whether trying again can help. */
export function cameraText(status: CameraStatus, { paired = false } = {}): { text: string; canRetry: boolean } | null {
  // Linked already: advice about typing the desktop's code is over; a device that has no camera at all says so once, in the sheet.
  if (paired && (status === "missing" || status === "unsupported" || status === "insecure")) return null;
  switch (status) {
    case "off":
    case "scanning":
      return null;
    case "starting":
      return { text: "Starting the camera…", canRetry: false };
    case "insecure":
      return {
        text: "The browser only allows the camera on secure (https://) pages. Start the server with HTTPS=1 (see the README) and open the https:// address, or point the phone's own camera app at the desktop's QR code, or type the code below.",
        canRetry: false,
      };
    case "unsupported":
      return { text: "This browser cannot use a camera here. Type the code shown on the desktop instead.", canRetry: false };
    case "denied":
      return {
        text: "Camera access is blocked. Allow the camera for this site in the browser's settings, then try again — or type the code below.",
        canRetry: true,
      };
    case "missing":
      return { text: "No camera was found on this device. Type the code shown on the desktop instead.", canRetry: true };
    case "busy":
      return { text: "Another app is using the camera. Close it, then try again.", canRetry: true };
    case "failed":
      return { text: "The camera could not start. Try again, or type the code below.", canRetry: true };
  }
}
