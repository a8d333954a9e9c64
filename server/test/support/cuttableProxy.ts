import { tcpProxy } from "./tcpProxy.ts";

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
  let cutOff = false;
  const proxy = await tcpProxy(() => (cutOff ? undefined : { port: Number(target.port || 6379), host: target.hostname }));
  return {
    url: `redis://127.0.0.1:${proxy.port}`,
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
