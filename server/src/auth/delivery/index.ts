import type { Logger } from "pino";
import type { OtpDriverConfig } from "../../config.ts";
import { consoleDelivery } from "./console.ts";
import { smsDelivery } from "./sms.ts";
import { smtpDelivery } from "./smtp.ts";
import type { OtpDelivery } from "./types.ts";

export type { OtpDelivery, OtpMessage } from "./types.ts";

/** The driver `OTP_DRIVER` names. */
export function otpDelivery(config: OtpDriverConfig, log: Logger): OtpDelivery {
  switch (config.kind) {
    case "console":
      return consoleDelivery(log);
    case "smtp":
      return smtpDelivery(config.url, config.from);
    case "sms":
      return smsDelivery(config);
  }
}
