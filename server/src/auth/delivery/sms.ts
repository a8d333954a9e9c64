import { messageText, type OtpDelivery } from "./types.ts";

export type SmsSettings = { url: string; account: string; token: string; from: string };

/**
 * Text messages through a Twilio-compatible HTTP API: `POST <SMS_URL>/2010-04-01/Accounts/<account>/Messages.json`,
 * HTTP Basic auth with the account and token, form fields `To`, `From`, `Body`. Emails cannot get texts.
 */
export function smsDelivery(settings: SmsSettings, timeoutMs = 10_000): OtpDelivery {
  const endpoint = `${settings.url.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(settings.account)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.account}:${settings.token}`).toString("base64")}`;
  return {
    name: "sms",
    async send(message) {
      if (message.kind !== "phone") throw new Error("the sms driver sends to phone numbers only");
      const response = await fetch(endpoint, {
        method: "POST",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ To: message.to, From: settings.from, Body: messageText(message) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        const detail = (await response.text().catch(() => "")).slice(0, 200);
        throw new Error(`SMS gateway answered ${response.status}: ${detail}`);
      }
      await response.body?.cancel();
    },
    close() {},
  };
}
