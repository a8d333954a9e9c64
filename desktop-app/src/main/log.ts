// Main-process log lines, on the terminal that started the app.
const prefix = "[easyqr-desktop]";

export const log = {
  info: (message: string): void => console.log(prefix, message),
  warn: (message: string): void => console.warn(prefix, message),
  error: (message: string): void => console.error(prefix, message),
};
