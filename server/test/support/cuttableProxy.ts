import { tcpProxy } from "./tcpProxy.ts";

export type CuttableProxy = {
  /** The target's URL (redis://, postgres://: scheme, credentials, path and query kept) through the proxy. */
  url: string;
  /** Drops every connection and refuses new ones, as a server that went away. */
  cut(): void;
  /** Accepts connections again (on the same port). */
  restore(): void;
  close(): Promise<void>;
};

const defaultPorts: Record<string, number> = { "redis:": 6379, "postgres:": 5432, "postgresql:": 5432 };

/**
 * A TCP proxy on 127.0.0.1 to the server `target` names that a test can cut and restore: a network
 * fault between a node and Redis or PostgreSQL.
 */
export async function cuttableProxy(target: URL): Promise<CuttableProxy> {
  const port = Number(target.port || defaultPorts[target.protocol]);
  if (!port) throw new Error(`no port for ${target.protocol}`);
  let cutOff = false;
  const proxy = await tcpProxy(() => (cutOff ? undefined : { port, host: target.hostname }));
  const through = new URL(target);
  through.hostname = "127.0.0.1";
  through.port = String(proxy.port);
  return {
    url: through.toString(),
    cut() {
      cutOff = true;
      proxy.dropAll();
    },
    restore() {
      cutOff = false;
    },
    close: () => proxy.close(),
  };
}
