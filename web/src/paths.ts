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
  chat: "/home/chat/:chatId",
} as const;

export const chatPath = (chatId: string) => `/home/chat/${encodeURIComponent(chatId)}`;
