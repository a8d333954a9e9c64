import { CreateSessionResponse, ServerEvent, type ServerEventOf } from "@easyqr/protocol";
import WebSocket from "ws";

/** A socket client for tests: keeps every event, waits for the next one of a type. */
export class TestSocket {
  readonly events: ServerEvent[] = [];
  closed: { code: number; reason: string } | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly taken = new Set<number>();

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.events.push(ServerEvent.parse(JSON.parse((data as Buffer).toString())));
      this.wake();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async open(baseUrl: string, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws`, options);
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return socket;
  }

  /** Opens a socket and sends the handshake. */
  static async hello(baseUrl: string, handshake: object, options?: WebSocket.ClientOptions): Promise<TestSocket> {
    const socket = await TestSocket.open(baseUrl, options);
    socket.send(handshake);
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The oldest event of this type not yet taken (and matching `where`, if given). */
  async next<T extends ServerEvent["type"]>(type: T, timeoutMs = 3000, where: (event: ServerEventOf<T>) => boolean = () => true): Promise<ServerEventOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e, i) => !this.taken.has(i) && e.type === type && where(e as ServerEventOf<T>));
      if (index >= 0) {
        this.taken.add(index);
        return this.events[index] as ServerEventOf<T>;
      }
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before ${type}; got ${this.summary()}`);
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms; got ${this.summary()}`);
      await this.wait(deadline - Date.now());
    }
  }

  /** The fatal error the server sent before closing. */
  async failure(timeoutMs = 3000): Promise<string> {
    const error = await this.next("ERROR", timeoutMs);
    await this.waitClosed(timeoutMs);
    return error.error.code;
  }

  /** CONNECTED, or the code of the error that closed the socket. */
  async outcome(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.events.some((e) => e.type === "CONNECTED")) return "CONNECTED";
      const error = this.events.find((e) => e.type === "ERROR");
      if (error?.type === "ERROR") return error.error.code;
      if (this.closed) return `closed ${this.closed.code}`;
      if (Date.now() > deadline) throw new Error(`no outcome within ${timeoutMs} ms`);
      await this.wait(deadline - Date.now());
    }
  }

  async waitClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("socket did not close");
      await this.wait(deadline - Date.now());
    }
    return this.closed;
  }

  count(type: ServerEvent["type"]): number {
    return this.events.filter((e) => e.type === type).length;
  }

  close(): void {
    this.ws.close();
  }

  private summary(): string {
    return JSON.stringify(this.events.map((e) => (e.type === "ERROR" ? `ERROR:${e.error.code}` : e.type)));
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.waiters.add(done);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

export async function createSession(baseUrl: string, body: object = {}): Promise<CreateSessionResponse> {
  const response = await fetch(`${baseUrl}/create-session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`create-session: ${response.status} ${await response.text()}`);
  return CreateSessionResponse.parse(await response.json());
}

/** A desktop waiting with its session, and a phone paired to it. */
export async function pair(baseUrl: string, body: object = {}) {
  const session = await createSession(baseUrl, body);
  const desktop = await TestSocket.hello(baseUrl, { sessionId: session.sessionId, desktopToken: session.desktopToken });
  await desktop.next("WAITING");
  const phone = await TestSocket.hello(baseUrl, { sessionId: session.sessionId, token: session.token, device: { name: "Test phone", platform: "test" } });
  const phoneConnected = await phone.next("CONNECTED");
  await desktop.next("CONNECTED");
  return { session, desktop, phone, phoneToken: phoneConnected.phoneToken ?? "", phoneId: phoneConnected.phoneId ?? "" };
}
