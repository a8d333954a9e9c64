import { useAtom, useAtomValue } from "jotai";
import { useState } from "react";
import { notificationSettingsAtom } from "../chat/notificationSettings.ts";
import { chatsAtom } from "../chat/state.ts";
import { desktopBridge } from "../desktopApp/bridge.ts";
import { playChime } from "./sound.ts";

const native = (): typeof Notification | undefined => ("Notification" in globalThis ? globalThis.Notification : undefined);

/** Asks the browser for permission (only ever from a click); resolves with the answer. */
export async function askPermission(): Promise<NotificationPermission | undefined> {
  const Native = native();
  return Native ? Native.requestPermission() : undefined;
}

function permissionText(permission: NotificationPermission | undefined): string {
  if (desktopBridge()) return "The desktop app shows notifications.";
  if (permission === undefined) return "This browser cannot show notifications.";
  if (permission === "granted") return "Notifications are on for this browser.";
  if (permission === "denied") return "This browser blocks notifications from EasyQR. Allow them in the site settings (the icon left of the address).";
  return "Get a notification when a message arrives while EasyQR is in the background.";
}

/** Settings → Notifications: permission, previews, sound. */
export function NotificationSettings() {
  const [settings, change] = useAtom(notificationSettingsAtom);
  const [permission, setPermission] = useState(() => native()?.permission);
  const allow = async () => {
    setPermission(await askPermission());
    change({ promptDone: true });
  };
  return (
    <div className="notification-settings">
      <p className="toggle-field__hint" data-testid="notification-permission">
        {permissionText(permission)}
      </p>
      {permission === "default" && !desktopBridge() ? (
        <button type="button" className="button button--primary button--small" onClick={() => void allow()}>
          Allow notifications
        </button>
      ) : null}
      <label className="toggle-field">
        <input type="checkbox" checked={settings.previews} onChange={(e) => change({ previews: e.target.checked })} />
        <span>
          Show previews
          <span className="toggle-field__hint">Off: notifications say “New message”, without the text.</span>
        </span>
      </label>
      <label className="toggle-field">
        <input
          type="checkbox"
          checked={settings.sound}
          onChange={(e) => {
            change({ sound: e.target.checked });
            if (e.target.checked) playChime();
          }}
        />
        <span>
          Sound
          <span className="toggle-field__hint">A short tone with each notification.</span>
        </span>
      </label>
    </div>
  );
}

/**
 * A one-time, dismissible offer above the chat list to turn notifications on, once there is a chat
 * to hear from; the browser is asked only on the click, never on load.
 */
export function NotificationPrompt() {
  const [settings, change] = useAtom(notificationSettingsAtom);
  const [permission, setPermission] = useState(() => native()?.permission);
  const hasChats = Object.keys(useAtomValue(chatsAtom)?.chats ?? {}).length > 0;
  if (!hasChats || settings.promptDone || permission !== "default" || desktopBridge()) return null;
  return (
    <div className="notification-prompt" role="region" aria-label="Notifications" data-testid="notification-prompt">
      <p>Get notified of new messages?</p>
      <div className="button-row">
        <button
          type="button"
          className="button button--primary button--small"
          onClick={() =>
            void askPermission().then((answer) => {
              setPermission(answer);
              change({ promptDone: true });
            })
          }
        >
          Turn on
        </button>
        <button type="button" className="button button--ghost button--small" onClick={() => change({ promptDone: true })}>
          Not now
        </button>
      </div>
    </div>
  );
}
