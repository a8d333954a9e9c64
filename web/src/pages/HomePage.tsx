import { useAtomValue } from "jotai";
import { Link } from "react-router";
import { Avatar } from "../components/Avatar.tsx";
import { AddPersonIcon, ChatIcon, GearIcon, QrIcon } from "../components/icons.tsx";
import { ContactsPanel } from "../features/contacts/ContactsPanel.tsx";
import { requestCountAtom } from "../features/contacts/state.ts";
import { Logo } from "../components/Layout.tsx";
import { paths } from "../features/session/guard.ts";
import { userAtom } from "../features/session/state.ts";

/**
 * /home: the app shell. The sidebar holds the user and the chat list; the chat window
 * fills the rest on wide screens. The chat window is a placeholder until chats arrive; the sidebar lists requests and contacts, live.
 */
export function HomePage() {
  const user = useAtomValue(userAtom);
  const requests = useAtomValue(requestCountAtom);
  if (!user) return null;
  return (
    <div className="app">
      <aside className="sidebar">
        <header className="sidebar__header">
          <Link to={paths.settings} className="me">
            <Avatar user={user} size={44} />
            <span className="me__text">
              <span className="me__name">{user.name}</span>
              <span className="me__username">@{user.username}</span>
              <span className="visually-hidden">, your profile</span>
            </span>
          </Link>
          <span className="sidebar__buttons">
            <Link to={paths.myQr} className="icon-button" aria-label="My QR code" title="My QR code">
              <QrIcon />
            </Link>
            <Link to={paths.addContact} className="icon-button" aria-label={requests ? `Add a contact (${requests} requests waiting)` : "Add a contact"} title="Add a contact">
              <AddPersonIcon />
            </Link>
            <Link to={paths.settings} className="icon-button" aria-label="Settings" title="Settings">
              <GearIcon />
            </Link>
          </span>
        </header>
        <section className="chatlist" aria-labelledby="chats-title">
          <h1 id="chats-title" className="chatlist__title">
            Chats
          </h1>
          <ContactsPanel />
        </section>
        <nav className="sidebar__tools" aria-label="Scanner tools">
          <Link to="/desktop">Show a pairing QR on this computer</Link>
          <Link to="/scan">Scan a contact's QR, or use this phone as a scanner</Link>
        </nav>
      </aside>
      <main className="chatwindow" aria-label="Chat">
        <div className="chatwindow__empty">
          <span className="chatwindow__icon">
            <ChatIcon />
          </span>
          <h2>Pick a chat to start messaging</h2>
          <p>Your conversations will open here.</p>
          <p className="chatwindow__brand">
            <Logo /> EasyQR
          </p>
        </div>
      </main>
    </div>
  );
}
