import type { Me } from "@easyqr/protocol";
import { useAtomValue, useSetAtom } from "jotai";
import { useState } from "react";
import { SubPage } from "../components/SubPage.tsx";
import { LinkedDevices } from "../features/linking/LinkedDevices.tsx";
import { BioVisibilitySetting, BlockedList, LastSeenSetting } from "../features/contacts/PrivacySettings.tsx";
import { NotificationSettings } from "../features/notifications/NotificationSettings.tsx";
import { ProfileForm } from "../features/profile/ProfileForm.tsx";
import { ChangeIdentifier } from "../features/account/ChangeIdentifier.tsx";
import { DeleteAccount } from "../features/account/DeleteAccount.tsx";
import { ThemeSetting } from "../features/theme/ThemeSetting.tsx";
import { accounts, pendingSignInAtom, sessionAtom, userAtom } from "../features/session/state.ts";

/** /settings: profile (photo, name, username, bio), appearance, privacy, blocked people, devices and the account. */
export function SettingsPage() {
  const user = useAtomValue(userAtom);
  const setSession = useSetAtom(sessionAtom);
  const setPending = useSetAtom(pendingSignInAtom);
  const [leaving, setLeaving] = useState(false);
  if (!user) return null;
  const saved = (next: Me) => setSession({ status: "signedIn", user: next });

  const logout = async (everywhere: boolean) => {
    setLeaving(true);
    await accounts.logout({ everywhere });
    setPending(null);
    setSession({ status: "signedOut", notice: everywhere ? "You have signed out on all your devices." : "You have signed out." });
  };

  return (
    <SubPage title="Settings">
      <section className="card settings__section" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <ProfileForm key={user.id} user={user} onSaved={saved} />
      </section>
      <section className="card settings__section" aria-labelledby="appearance-title">
        <h2 id="appearance-title">Appearance</h2>
        <ThemeSetting />
      </section>
      <section className="card settings__section" aria-labelledby="privacy-title">
        <h2 id="privacy-title">Privacy</h2>
        <BioVisibilitySetting user={user} onSaved={saved} />
        <LastSeenSetting user={user} onSaved={saved} />
      </section>
      <section className="card settings__section" aria-labelledby="notifications-title">
        <h2 id="notifications-title">Notifications</h2>
        <NotificationSettings />
      </section>
      <section className="card settings__section" aria-labelledby="blocked-title">
        <h2 id="blocked-title">Blocked</h2>
        <BlockedList />
      </section>
      <section className="card settings__section" aria-labelledby="devices-title">
        <h2 id="devices-title">Linked devices</h2>
        <LinkedDevices />
      </section>
      <section className="card settings__section" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <p className="settings__signed-in">
          Signed in as <strong>{user.email ?? user.phone}</strong>
        </p>
        <ChangeIdentifier user={user} onSaved={saved} />
        <div className="button-row settings__leave">
          <button type="button" className="button button--danger" disabled={leaving} onClick={() => void logout(false)}>
            Log out
          </button>
          <button type="button" className="button button--ghost" disabled={leaving} onClick={() => void logout(true)}>
            Log out on all devices
          </button>
        </div>
        <div className="settings__danger">
          <DeleteAccount user={user} />
        </div>
      </section>
    </SubPage>
  );
}
