import { createTransport } from "nodemailer";
import { messageText, type OtpDelivery } from "./types.ts";

/** Email through any SMTP server (`SMTP_URL`, e.g. `smtps://user:pass@smtp.example.com`). Phones cannot get email. */
export function smtpDelivery(url: string, from: string): OtpDelivery {
  const transport = createTransport(url);
  return {
    name: "smtp",
    async send(message) {
      if (message.kind !== "email") throw new Error("the smtp driver sends email only");
      const text = messageText(message);
      await transport.sendMail({ from, to: message.to, subject: `Your EasyQR code: ${message.code}`, text });
    },
    close() {
      transport.close();
    },
  };
}
