import { parsePairingQr, type PairingPayload } from "@easyqr/protocol";

export type DetectionAction =
  | { kind: "pair"; payload: PairingPayload }
  | { kind: "other-server"; payload: PairingPayload }
  | { kind: "not-pairing" }
  | { kind: "scan" }
  | { kind: "ignore" };

/**
 * What the phone does with a decoded text. Before pairing only a pairing QR
 * for this page's server counts; once paired everything is a scan except the
 * pairing QR of our own session (still on the desktop screen or in view).
 */
export function detectionAction(text: string, state: { paired: boolean; sessionId?: string; server: string }): DetectionAction {
  const payload = parsePairingQr(text);
  if (state.paired) return payload && payload.sessionId === state.sessionId ? { kind: "ignore" } : { kind: "scan" };
  if (!payload) return { kind: "not-pairing" };
  if (payload.server !== state.server) return { kind: "other-server", payload };
  return { kind: "pair", payload };
}
