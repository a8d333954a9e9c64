import { Blocks, Connection, Connections, ContactQr, ContactRequests, PublicUser, QrPreview, SendContactRequestResponse } from "@easyqr/protocol";
import type { SendContactRequest } from "@easyqr/protocol";
import type { AuthSession } from "./authSession.ts";
import { parseResponse } from "./http.ts";

export type ContactsApi = {
  /** A fresh My QR (ask again at `rotatesAt`). */
  myQr(): Promise<ContactQr>;
  /** Leaving My QR: its tokens stop working now. */
  stopQr(): Promise<void>;
  preview(token: string): Promise<QrPreview>;
  send(body: SendContactRequest): Promise<SendContactRequestResponse>;
  requests(): Promise<ContactRequests>;
  accept(requestId: string): Promise<Connection>;
  decline(requestId: string): Promise<void>;
  cancel(requestId: string): Promise<void>;
  connections(): Promise<Connections>;
  remove(userId: string): Promise<void>;
  blocks(): Promise<Blocks>;
  block(userId: string): Promise<void>;
  unblock(userId: string): Promise<void>;
  /** The public card of a username (the add-by-username fallback). */
  byUsername(username: string): Promise<PublicUser>;
};

/** The contacts API (server/src/http/contactRoutes.ts), every answer parsed. */
export function contactsApi(session: AuthSession): ContactsApi {
  const get = async <T>(path: string, schema: Parameters<typeof parseResponse<T>>[0], what: string): Promise<T> =>
    parseResponse(schema, await session.request(path, { method: "GET" }), what);
  const post = async <T>(path: string, body: unknown, schema: Parameters<typeof parseResponse<T>>[0], what: string): Promise<T> =>
    parseResponse(schema, await session.request(path, { method: "POST", body }), what);
  const none = async (path: string, method: "POST" | "PUT" | "DELETE"): Promise<void> => {
    await session.request(path, { method, body: method === "POST" ? {} : undefined });
  };
  const id = encodeURIComponent;
  return {
    myQr: () => post("/api/contacts/qr", {}, ContactQr, "your QR code"),
    stopQr: () => none("/api/contacts/qr", "DELETE"),
    preview: (token) => post("/api/contacts/qr/preview", { token }, QrPreview, "a QR preview"),
    send: (body) => post("/api/contacts/requests", body, SendContactRequestResponse, "a request"),
    requests: () => get("/api/contacts/requests", ContactRequests, "your requests"),
    accept: (requestId) => post(`/api/contacts/requests/${id(requestId)}/accept`, {}, Connection, "a connection"),
    decline: (requestId) => none(`/api/contacts/requests/${id(requestId)}/decline`, "POST"),
    cancel: (requestId) => none(`/api/contacts/requests/${id(requestId)}`, "DELETE"),
    connections: () => get("/api/contacts/connections", Connections, "your contacts"),
    remove: (userId) => none(`/api/contacts/connections/${id(userId)}`, "DELETE"),
    blocks: () => get("/api/contacts/blocks", Blocks, "your blocked list"),
    block: (userId) => none(`/api/contacts/blocks/${id(userId)}`, "PUT"),
    unblock: (userId) => none(`/api/contacts/blocks/${id(userId)}`, "DELETE"),
    byUsername: (username) => get(`/api/users/by-username/${id(username)}`, PublicUser, "a profile"),
  };
}
