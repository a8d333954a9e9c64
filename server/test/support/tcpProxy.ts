import { connect, createServer, type Socket, type TcpNetConnectOpts } from "node:net";

export type TcpProxy = {
  port: number;
  /** Drops every connection open through it (new ones are still taken). */
  dropAll(): void;
  close(): Promise<void>;
};

/**
 * A TCP proxy on 127.0.0.1: each new connection goes where `route` says, or is refused when it
 * says nothing. The building block of the tests' load balancer and of their cuttable Redis.
 */
export async function tcpProxy(route: (client: Socket) => TcpNetConnectOpts | undefined): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const target = route(client);
    if (!target) return client.destroy();
    const upstream = connect(target);
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
  const dropAll = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    port: address.port,
    dropAll,
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
