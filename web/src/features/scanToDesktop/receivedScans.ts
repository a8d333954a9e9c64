import type { ClientFrame, Scan, ServerEvent } from "@easyqr/protocol";
import { atom } from "jotai";
import * as z from "zod/mini";
import { readJson, removeItem, writeJson } from "../../api/storage.ts";
import type { LiveFeature } from "../../realtime/liveClient.ts";
import { ScanHistory } from "../scanner/history.ts";

/** What the desktop's scans panel shows: the history (oldest first) and the sending devices' names. */
export type ReceivedScansView = { scans: readonly Scan[]; names: Readonly<Record<string, string>> };

export const receivedScansAtom = atom<ReceivedScansView>({ scans: [], names: {} });

const Names = z.record(z.string(), z.string());

type Options = {
  storage: Storage;
  /** This device's sign-in session: its history is its own. */
  sessionId: string;
  /** Sends the confirmation (DEVICE_SCAN_RECEIVED) on the live socket. */
  send(frame: ClientFrame): void;
  onChange(view: ReceivedScansView): void;
};

/**
 * "Scan to desktop", the desktop's half: a DEVICE_SCAN from one of the person's phones is kept in the
 * scanner's history (localStorage, one entry per phone and scan id, so a resend is not doubled), and
 * only then confirmed to the server, which answers the phone. Seqs are this desktop's order of arrival.
 */
export class ReceivedScans implements LiveFeature {
  private readonly history: ScanHistory;
  private names: Record<string, string>;
  private readonly namesKey: string;

  constructor(private readonly options: Options) {
    this.history = new ScanHistory(options.storage, `device.${options.sessionId}`);
    this.namesKey = `easyqr.deviceScanNames.${options.sessionId}`;
    this.names = readJson(options.storage, this.namesKey, Names) ?? {};
    options.onChange(this.view);
  }

  get view(): ReceivedScansView {
    return { scans: this.history.scans, names: this.names };
  }

  event(event: ServerEvent): void {
    if (event.type !== "DEVICE_SCAN") return;
    const { fromDeviceId, fromDeviceName, receivedAt, ...scan } = event.scan;
    const added = this.history.add([{ ...scan, phoneId: fromDeviceId, receivedAt, seq: this.history.lastSeq + 1 }]);
    if (this.names[fromDeviceId] !== fromDeviceName) {
      this.names = { ...this.names, [fromDeviceId]: fromDeviceName };
      writeJson(this.options.storage, this.namesKey, this.names);
    }
    if (added) this.options.onChange(this.view);
    // Kept (now or before): the phone may let go of it.
    this.options.send({ type: "DEVICE_SCAN_RECEIVED", scanId: scan.id });
  }

  clear(): void {
    this.history.clear();
    this.options.onChange(this.view);
  }
}

/** What this browser keeps of "Scan to desktop": the desktop's histories and phone names, the phone's waiting scans. */
const KEPT_PREFIXES = ["easyqr.history.device.", "easyqr.deviceScanNames.", "easyqr.outbox.device."];

/** Sign-out: the scans of the person's devices go with the account, like the offline cache. */
export function forgetDeviceScans(storage: Storage): void {
  const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i));
  for (const key of keys) if (key && KEPT_PREFIXES.some((prefix) => key.startsWith(prefix))) removeItem(storage, key);
}
