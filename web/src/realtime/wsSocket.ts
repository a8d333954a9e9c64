import WebSocket from "ws";
import type { SocketLike } from "./connection.ts";

/** For tests in Node: the `ws` client behind the SocketLike shape (the browser's WebSocket is not in every Node). */
export function wsSocket(url: string, headers?: Record<string, string>): SocketLike {
  const ws = new WebSocket(url, { headers });
  const socket: SocketLike = {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
  };
  ws.on("open", () => socket.onopen?.({}));
  ws.on("message", (data) => socket.onmessage?.({ data: (data as Buffer).toString() }));
  ws.on("close", (code, reason) => socket.onclose?.({ code, reason: reason.toString() }));
  ws.on("error", (error) => socket.onerror?.(error));
  return socket;
}
