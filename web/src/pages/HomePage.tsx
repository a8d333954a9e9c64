import { useAtomValue } from "jotai";
import { NotificationPrompt } from "../features/notifications/NotificationSettings.tsx";
import { lazy, Suspense, useRef, useState, type CSSProperties } from "react";
import { onPhone } from "../features/pairing/device.ts";
import { Link, useMatch, useParams } from "react-router";
import { SidebarResizer, useSidebarWidth } from "../components/SidebarResizer.tsx";
import { Avatar } from "../components/Avatar.tsx";
import { AddPersonIcon, ChatIcon, GearIcon, GroupIcon, QrIcon } from "../components/icons.tsx";
import { ChatList } from "../features/chat/ChatList.tsx";
import { ContactsPanel } from "../features/contacts/ContactsPanel.tsx";
import { ChatSearch } from "../features/search/ChatSearch.tsx";
import { NetworkStatus } from "../features/live/NetworkStatus.tsx";
import { requestCountAtom } from "../features/contacts/state.ts";
import { Logo } from "../components/Layout.tsx";
import { paths } from "../paths.ts";
import { userAtom } from "../features/session/state.ts";
import { receivedScansAtom } from "../features/scanToDesktop/receivedScans.ts";

// Loaded when first shown: /home lists the chats, and a chat (its messages, composer, emoji picker)
// is not part of that first screen's JavaScript.
const ChatWindow = lazy(() => import("../features/chat/ChatWindow.tsx").then((m) => ({ default: m.ChatWindow })));
const NewGroupDialog = lazy(() => import("../features/groups/NewGroupDialog.tsx").then((m) => ({ default: m.NewGroupDialog })));
const ReceivedScansPanel = lazy(() => import("../features/scanToDesktop/ReceivedScansPanel.tsx").then((m) => ({ default: m.ReceivedScansPanel })));

/**
 * /home and /home/chat/:chatId: the app shell. The sidebar holds the user, the chats and the
 * contacts; the chat window fills the rest on wide screens. On phones they are two screens: the
 * list at /home, one chat at its own address with a back link.
 */
export function HomePage() {
  const user = useAtomValue(userAtom);
  const requests = useAtomValue(requestCountAtom);
  const { chatId } = useParams();
  const sidebar = useRef<HTMLElement>(null);
  const [phone] = useState(onPhone);
  const [width, setWidth] = useSidebarWidth();
  const showScans = useMatch(paths.receivedScans) !== null;
  const received = useAtomValue(receivedScansAtom).scans.length;
  const [newGroup, setNewGroup] = useState(false);
  if (!user) return null;
  return (
    <div className={`app${chatId ? " app--chat-open" : ""}`} style={width ? ({ "--sidebar-width": `${width}px` } as CSSProperties) : undefined}>
      <aside className="sidebar" ref={sidebar}>
        <SidebarResizer sidebar={sidebar} width={width} onResize={setWidth} />
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
            <Link
              to={paths.addContact}
              className="icon-button"
              aria-label={requests ? `Add a contact (${requests} requests waiting)` : "Add a contact"}
              title="Add a contact"
            >
              <AddPersonIcon />
            </Link>
            <button type="button" className="icon-button" aria-label="New group" title="New group" aria-haspopup="dialog" onClick={() => setNewGroup(true)}>
              <GroupIcon />
            </button>
            <Link to={paths.settings} className="icon-button" aria-label="Settings" title="Settings">
              <GearIcon />
            </Link>
          </span>
        </header>
        <section className="chatlist" aria-labelledby="chats-title">
          <h1 id="chats-title" className="chatlist__title">
            Chats
          </h1>
          <NetworkStatus />
          <NotificationPrompt />
          <ChatSearch>
            <ChatList activeId={chatId} />
            <ContactsPanel />
          </ChatSearch>
        </section>
        <nav className="sidebar__tools" aria-label="Scanner tools">
          {phone ? (
            <>
              <Link to={paths.scanToDesktop}>Scan to desktop: use this phone as your computer's scanner</Link>
              <Link to="/scan">Scan a contact's QR, or use this phone as a scanner</Link>
            </>
          ) : (
            <>
              <Link to={paths.receivedScans}>Scans from your phone{received > 0 ? ` (${received})` : ""}</Link>
              <Link to="/desktop">Use your phone as a barcode scanner for this computer</Link>
              <Link to="/scan">Scan a contact's QR with this computer's camera</Link>
            </>
          )}
        </nav>
      </aside>
      {newGroup ? (
        <Suspense fallback={null}>
          <NewGroupDialog onClose={() => setNewGroup(false)} />
        </Suspense>
      ) : null}
      <main className="chatwindow" aria-label="Chat">
        {chatId ? (
          <Suspense fallback={<div className="chatwindow__loading" role="status" aria-busy="true" aria-label="Loading the chat" />}>
            <ChatWindow key={chatId} chatId={chatId} />
          </Suspense>
        ) : showScans ? (
          <Suspense fallback={<div className="chatwindow__loading" role="status" aria-busy="true" aria-label="Loading the scans" />}>
            <ReceivedScansPanel />
          </Suspense>
        ) : (
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
        )}
      </main>
    </div>
  );
}
