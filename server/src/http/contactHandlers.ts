import type { Routes } from "@easyqr/protocol";
import type { ContactQrService } from "../contacts/qr.ts";
import type { ContactsService } from "../contacts/service.ts";
import type { Handlers } from "./route.ts";

export function contactHandlers(qr: ContactQrService, contacts: ContactsService): Handlers<Routes["contacts"]> {
  return {
    createQr: ({ principal }) => qr.create(principal.userId),
    revokeQr: ({ principal }) => qr.revoke(principal.userId),
    previewQr: ({ principal, body }) => qr.preview(principal.userId, body.token),
    sendRequest: ({ principal, body }) => contacts.sendRequest(principal.userId, body),
    listRequests: ({ principal }) => contacts.listRequests(principal.userId),
    acceptRequest: ({ principal, params }) => contacts.acceptRequest(principal.userId, params.requestId),
    declineRequest: ({ principal, params }) => contacts.declineRequest(principal.userId, params.requestId),
    cancelRequest: ({ principal, params }) => contacts.cancelRequest(principal.userId, params.requestId),
    listConnections: ({ principal }) => contacts.listConnections(principal.userId),
    connection: ({ principal, params }) => contacts.connection(principal.userId, params.userId),
    removeConnection: ({ principal, params }) => contacts.removeConnection(principal.userId, params.userId),
    listBlocks: ({ principal }) => contacts.listBlocks(principal.userId),
    block: ({ principal, params }) => contacts.block(principal.userId, params.userId),
    unblock: ({ principal, params }) => contacts.unblock(principal.userId, params.userId),
  };
}
