import {
  Blocks,
  Connection,
  Connections,
  ContactQr,
  ContactRequests,
  QrPreview,
  QrPreviewRequest,
  RequestIdParams,
  SendContactRequest,
  SendContactRequestResponse,
  UserIdParams,
} from "@easyqr/protocol";
import type { ContactQrService } from "../contacts/qr.ts";
import type { ContactsService } from "../contacts/service.ts";
import type { Router } from "./route.ts";

const authErrors = ["AUTH_REQUIRED", "AUTH_TOKEN_INVALID", "AUTH_TOKEN_EXPIRED", "AUTH_SESSION_REVOKED"] as const;
const qrErrors = ["CONTACT_QR_INVALID", "CONTACT_QR_EXPIRED", "CONTACT_QR_ROTATED", "CONTACT_QR_USED_UP"] as const;
const tag = "contacts";

export function registerContactRoutes(router: Router, qr: ContactQrService, contacts: ContactsService): void {
  router.add(
    { method: "POST", url: "/api/contacts/qr", tag, summary: "A fresh \"My QR\" (`<server>/add#t=…`); ask again at `rotatesAt` while showing it", auth: true, response: ContactQr, errors: [...authErrors, "RATE_LIMITED"] },
    ({ principal }) => qr.create(principal.userId),
  );
  router.add(
    { method: "DELETE", url: "/api/contacts/qr", tag, summary: "Stop showing \"My QR\": its tokens stop working now", auth: true, errors: [...authErrors] },
    ({ principal }) => qr.revoke(principal.userId),
  );
  router.add(
    {
      method: "POST",
      url: "/api/contacts/qr/preview",
      tag,
      summary: "Whose QR was scanned (name, username, avatar) and how you stand with them; nothing is sent",
      auth: true,
      body: QrPreviewRequest,
      response: QrPreview,
      errors: [...authErrors, ...qrErrors, "CONTACT_SELF", "RATE_LIMITED"],
    },
    ({ principal, body }) => qr.preview(principal.userId, body.token),
  );

  router.add(
    {
      method: "POST",
      url: "/api/contacts/requests",
      tag,
      summary: "Ask someone to connect, by `{token}` from their QR or by `{username}`; if they already asked you, you are connected at once",
      auth: true,
      body: SendContactRequest,
      response: SendContactRequestResponse,
      errors: [...authErrors, ...qrErrors, "USER_NOT_FOUND", "CONTACT_SELF", "CONTACT_ALREADY_CONNECTED", "CONTACT_REQUEST_PENDING", "CONTACT_BLOCKED", "RATE_LIMITED"],
    },
    ({ principal, body }) => contacts.sendRequest(principal.userId, body),
  );
  router.add(
    { method: "GET", url: "/api/contacts/requests", tag, summary: "Pending requests: incoming (to answer) and outgoing (to wait for or cancel)", auth: true, response: ContactRequests, errors: [...authErrors] },
    ({ principal }) => contacts.listRequests(principal.userId),
  );
  router.add(
    {
      method: "POST",
      url: "/api/contacts/requests/:requestId/accept",
      tag,
      summary: "Accept an incoming request: you are connected",
      auth: true,
      params: RequestIdParams,
      response: Connection,
      errors: [...authErrors, "CONTACT_REQUEST_NOT_FOUND"],
    },
    ({ principal, params }) => contacts.acceptRequest(principal.userId, params.requestId),
  );
  router.add(
    { method: "POST", url: "/api/contacts/requests/:requestId/decline", tag, summary: "Decline an incoming request", auth: true, params: RequestIdParams, errors: [...authErrors, "CONTACT_REQUEST_NOT_FOUND"] },
    ({ principal, params }) => contacts.declineRequest(principal.userId, params.requestId),
  );
  router.add(
    { method: "DELETE", url: "/api/contacts/requests/:requestId", tag, summary: "Cancel a request you sent", auth: true, params: RequestIdParams, errors: [...authErrors, "CONTACT_REQUEST_NOT_FOUND"] },
    ({ principal, params }) => contacts.cancelRequest(principal.userId, params.requestId),
  );

  router.add(
    { method: "GET", url: "/api/contacts/connections", tag, summary: "Your connections with their profile and presence", auth: true, response: Connections, errors: [...authErrors] },
    ({ principal }) => contacts.listConnections(principal.userId),
  );
  router.add(
    {
      method: "GET",
      url: "/api/contacts/connections/:userId",
      tag,
      summary: "One connection's profile and presence (anyone else: USER_NOT_FOUND, as for nobody)",
      auth: true,
      params: UserIdParams,
      response: Connection,
      errors: [...authErrors, "USER_NOT_FOUND"],
    },
    ({ principal, params }) => contacts.connection(principal.userId, params.userId),
  );
  router.add(
    { method: "DELETE", url: "/api/contacts/connections/:userId", tag, summary: "Remove a connection (both sides)", auth: true, params: UserIdParams, errors: [...authErrors, "USER_NOT_FOUND"] },
    ({ principal, params }) => contacts.removeConnection(principal.userId, params.userId),
  );

  router.add(
    { method: "GET", url: "/api/contacts/blocks", tag, summary: "Users you blocked", auth: true, response: Blocks, errors: [...authErrors] },
    ({ principal }) => contacts.listBlocks(principal.userId),
  );
  router.add(
    {
      method: "PUT",
      url: "/api/contacts/blocks/:userId",
      tag,
      summary: "Block a user: the connection ends, requests between you stop, they are not told",
      auth: true,
      params: UserIdParams,
      errors: [...authErrors, "USER_NOT_FOUND", "CONTACT_SELF"],
    },
    ({ principal, params }) => contacts.block(principal.userId, params.userId),
  );
  router.add(
    { method: "DELETE", url: "/api/contacts/blocks/:userId", tag, summary: "Unblock a user (nothing is restored)", auth: true, params: UserIdParams, errors: [...authErrors] },
    ({ principal, params }) => contacts.unblock(principal.userId, params.userId),
  );
}
