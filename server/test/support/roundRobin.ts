import { createServer, connect, type Socket } from "node:net";

export type RoundRobin = { url: string; close(): Promise<void> };

/**
 * A TCP proxy on 127.0.0.1 handing each new connection to the next of `ports` in turn, as a load
 * balancer without sticky sessions would: a person's sockets and HTTP connections land on
 * different nodes. `ports()` is read per connection, so the nodes may start after the proxy.
 */
export async function roundRobin(ports: () => number[]): Promise<RoundRobin> {
  const open = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    const targets = ports();
    const port = targets[next++ % targets.length];
    if (port === undefined) return client.destroy();
    // From the client's own loopback address (127.0.0.2, …: tests choose it), so each node sees the client's IP as it would behind a proxy that passes it on.
    const upstream = connect({ port, host: "127.0.0.1", ...(client.remoteAddress ? { localAddress: client.remoteAddress } : {}) });
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
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
