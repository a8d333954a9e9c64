import { tcpProxy } from "./tcpProxy.ts";

export type RoundRobin = {
  url: string;
  /** The node port a connection from this local port (a client's end) was handed to. */
  nodeOf(clientPort: number): number | undefined;
  /** Drops every connection through it: every client reconnects, spread over the nodes anew. */
  dropAll(): void;
  close(): Promise<void>;
};

/**
 * A TCP proxy on 127.0.0.1 handing each new connection to the next of `ports` in turn, as a load
 * balancer without sticky sessions would: a person's sockets and HTTP connections land on
 * different nodes. `ports()` is read per connection, so the nodes may start after the proxy.
 */
export async function roundRobin(ports: () => number[]): Promise<RoundRobin> {
  let next = 0;
  const handedTo = new Map<number, number>();
  const proxy = await tcpProxy((client) => {
    const targets = ports();
    const port = targets[next++ % targets.length];
    if (port === undefined) return undefined;
    if (client.remotePort !== undefined) handedTo.set(client.remotePort, port);
    // From the client's own loopback address (127.0.0.2, …: tests choose it), so each node sees the client's IP as it would behind a proxy that passes it on.
    return { port, host: "127.0.0.1", ...(client.remoteAddress ? { localAddress: client.remoteAddress } : {}) };
  });
  return {
    url: `http://127.0.0.1:${proxy.port}`,
    nodeOf: (clientPort) => handedTo.get(clientPort),
    dropAll: () => proxy.dropAll(),
    close: () => proxy.close(),
  };
}
