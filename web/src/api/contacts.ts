import { routes } from "@easyqr/protocol";
import type {
  Blocks,
  Connection,
  Connections,
  ContactQr,
  ContactRequests,
  PublicUser,
  QrPreview,
  SendContactRequest,
  SendContactRequestResponse,
} from "@easyqr/protocol";
import type { ApiClient } from "./client.ts";

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

/** The contact routes (`routes.contacts`, and a profile by username). */
export function contactsApi(session: { readonly api: ApiClient }): ContactsApi {
  const { api } = session;
  const { contacts } = routes;
  return {
    myQr: () => api.call(contacts.createQr),
    stopQr: () => api.call(contacts.revokeQr),
    preview: (token) => api.call(contacts.previewQr, { body: { token } }),
    send: (body) => api.call(contacts.sendRequest, { body }),
    requests: () => api.call(contacts.listRequests),
    accept: (requestId) => api.call(contacts.acceptRequest, { params: { requestId } }),
    decline: (requestId) => api.call(contacts.declineRequest, { params: { requestId } }),
    cancel: (requestId) => api.call(contacts.cancelRequest, { params: { requestId } }),
    connections: () => api.call(contacts.listConnections),
    remove: (userId) => api.call(contacts.removeConnection, { params: { userId } }),
    blocks: () => api.call(contacts.listBlocks),
    block: (userId) => api.call(contacts.block, { params: { userId } }),
    unblock: (userId) => api.call(contacts.unblock, { params: { userId } }),
    byUsername: (username) => api.call(routes.users.byUsername, { params: { username } }),
  };
}
