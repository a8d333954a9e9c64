import { connect, createServer, type Server, type Socket } from "node:net";

export type CuttableProxy = {
  /** A redis:// URL through the proxy. */
  url: string;
  /** Drops every connection and refuses new ones, as a Redis that went away. */
  cut(): void;
  /** Accepts connections again (on the same port). */
  restore(): void;
  close(): Promise<void>;
};

/** A TCP proxy on 127.0.0.1 to `target` that a test can cut and restore: a network fault between a node and Redis. */
export async function cuttableProxy(target: URL): Promise<CuttableProxy> {
  const open = new Set<Socket>();
  let cutOff = false;
  const server: Server = createServer((client) => {
    if (cutOff) return client.destroy();
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      socket.on("error", () => undefined);
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  return {
    url: `redis://127.0.0.1:${address.port}`,
    cut() {
      cutOff = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      cutOff = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
