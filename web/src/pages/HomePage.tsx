import { useAtomValue } from "jotai";
import { Link } from "react-router";
import { Avatar } from "../components/Avatar.tsx";
import { ChatIcon, GearIcon } from "../components/icons.tsx";
import { Logo } from "../components/Layout.tsx";
import { paths } from "../features/session/guard.ts";
import { userAtom } from "../features/session/state.ts";

/**
 * /home: the app shell. The sidebar holds the user and the chat list; the chat window
 * fills the rest on wide screens. Both lists are placeholders until chats arrive.
 */
export function HomePage() {
  const user = useAtomValue(userAtom);
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
          <Link to={paths.settings} className="icon-button" aria-label="Settings" title="Settings">
            <GearIcon />
          </Link>
        </header>
        <section className="chatlist" aria-labelledby="chats-title">
          <h1 id="chats-title" className="chatlist__title">
            Chats
          </h1>
          <div className="chatlist__empty">
            <p className="chatlist__empty-title">No chats yet</p>
            <p>People you add by scanning their QR code will appear here.</p>
          </div>
        </section>
        <nav className="sidebar__tools" aria-label="Scanner tools">
          <Link to="/desktop">Show a pairing QR on this computer</Link>
          <Link to="/scan">Use this phone as a scanner</Link>
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
