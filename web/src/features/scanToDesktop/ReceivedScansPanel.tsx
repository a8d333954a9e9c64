import type { PhoneInfo } from "@easyqr/protocol";
import { useAtomValue } from "jotai";
import { ScanHistoryPanel } from "../scanner/ScanHistoryPanel.tsx";
import { receivedScansAtom } from "./receivedScans.ts";

/** The signed-in desktop's scans from the person's phones ("Scan to desktop"): the scanner's history panel. */
export function ReceivedScansPanel() {
  const { scans, names } = useAtomValue(receivedScansAtom);
  const phones: PhoneInfo[] = Object.entries(names).map(([phoneId, name]) => ({ phoneId, device: { name, platform: "" }, online: false }));
  return (
    <div className="received-scans">
      <ScanHistoryPanel scans={scans} phones={phones} />
      <p className="received-scans__hint">On your phone, open EasyQR and choose “Scan to desktop”: every code you scan appears here at once.</p>
    </div>
  );
}
