import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import type { MadeUser } from "./accounts.ts";
import type { RunningServer } from "./server.ts";

/**
 * Sends a message as a made user without a browser: opens the 1-1 chat with `peerId` over REST,
 * then one SEND on the user's own socket (no Origin: not a browser page), and waits for its ACK.
 */
export async function sendAs(server: RunningServer, user: MadeUser, peerId: string, text: string): Promise<void> {
  const opened = await fetch(`${server.url}/api/chats`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${user.tokens.accessToken}` },
    body: JSON.stringify({ userId: peerId }),
  });
  const chat = (await opened.json()) as { id?: string };
  assert.ok(opened.ok && chat.id, `open chat: ${JSON.stringify(chat)}`);
  const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws`);
  const id = randomUUID();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no ACK of the SEND")), 10_000);
    socket.addEventListener("open", () => socket.send(JSON.stringify({ accessToken: user.tokens.accessToken })));
    socket.addEventListener("error", () => reject(new Error("socket error")));
    socket.addEventListener("message", (event) => {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a text frame: a Buffer of UTF-8
      const frame = JSON.parse(String(event.data)) as { type: string; id?: string; error?: unknown };
      if (frame.type === "AUTHENTICATED") socket.send(JSON.stringify({ type: "SEND", id, chatId: chat.id, text }));
      if (frame.type === "ACK" && frame.id === id) {
        clearTimeout(timer);
        if (frame.error) reject(new Error(`SEND refused: ${JSON.stringify(frame.error)}`));
        else resolve();
      }
    });
  });
  socket.close();
}
