/** The app's routes (app.tsx mounts a page at each). */
export const paths = {
  landing: "/",
  signIn: "/sign-in",
  code: "/sign-in/code",
  onboarding: "/onboarding",
  home: "/home",
  settings: "/settings",
  myQr: "/home/qr",
  addContact: "/home/add",
  /** The preview of a group invite (opened `/join#…` link or scanned QR), then Join. */
  joinGroup: "/home/join",
  chat: "/home/chat/:chatId",
  /** A signed-in desktop's scans from the person's phones. */
  receivedScans: "/home/scans",
  /** A signed-in phone as the scanner of one of the person's linked computers. */
  scanToDesktop: "/home/scan-to-desktop",
} as const;

export const chatPath = (chatId: string) => `/home/chat/${encodeURIComponent(chatId)}`;
