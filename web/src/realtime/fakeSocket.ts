import type { SocketLike } from "./connection.ts";

/** A WebSocket stand-in for unit tests: records what the client sends, lets the test play the server. */
export class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  closed = false;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closed = true;
  }

  open(): void {
    this.onopen?.({});
  }

  deliver(event: unknown): void {
    this.onmessage?.({ data: typeof event === "string" ? event : JSON.stringify(event) });
  }

  drop(code = 1006): void {
    this.onclose?.({ code, reason: "" });
  }
}

/** A socket factory that keeps every socket it made. */
export function fakeSockets() {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    last: () => {
      const s = sockets.at(-1);
      if (!s) throw new Error("no socket yet");
      return s;
    },
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
  };
}
