import type { Logger } from "pino";
import type { OtpDelivery } from "./types.ts";

/** The default: the code goes into the server log, so a newcomer can sign in with nothing set up. */
export function consoleDelivery(log: Logger): OtpDelivery {
  return {
    name: "console",
    send(message) {
      log.info(`OTP for ${message.to}: ${message.code}`);
      return Promise.resolve();
    },
    close() {},
  };
}
