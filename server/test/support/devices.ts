import { VerifyCodeResponse, type DeviceInfo } from "@easyqr/protocol";
import { call, loggedCode, type SignedIn } from "./api.ts";
import type { TestSocket } from "./client.ts";
import { userSocket } from "./contacts.ts";
import type { TestServer } from "./harness.ts";

/** Another sign-in of the same person (another device: its own session), by code, telling the server what device it is. */
export async function signInDevice(server: TestServer, user: SignedIn, device?: DeviceInfo): Promise<SignedIn> {
  const requested = await call(server, "POST", "/api/auth/request-code", { body: { email: user.email } });
  if (requested.status !== 200) throw new Error(`request-code: ${requested.status} ${JSON.stringify(requested.body)}`);
  const { requestId } = requested.body as { requestId: string };
  const code = loggedCode(server, user.email.toLowerCase());
  const verified = await call(server, "POST", "/api/auth/verify-code", { body: { requestId, code, ...(device ? { device } : {}) } });
  if (verified.status !== 200) throw new Error(`verify-code: ${verified.status} ${JSON.stringify(verified.body)}`);
  const { tokens } = VerifyCodeResponse.parse(verified.body);
  return { ...user, tokens };
}

export type TwoDevices = { phone: SignedIn; desktop: SignedIn; phoneSocket: TestSocket; desktopSocket: TestSocket };

/** A person on two devices: a named phone session and a named desktop session, a socket each. */
export async function twoDevices(server: TestServer, user: SignedIn, names: { phone: string; desktop: string }): Promise<TwoDevices> {
  const phone = await signInDevice(server, user, { name: names.phone, platform: "Android" });
  const desktop = await signInDevice(server, user, { name: names.desktop, platform: "Linux" });
  const [phoneSocket, desktopSocket] = await Promise.all([userSocket(server, phone), userSocket(server, desktop)]);
  return { phone, desktop, phoneSocket, desktopSocket };
}
