import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineName } from "@easyqr/server/test-support";
import { withServer } from "./chatServer.ts";
import { runLoad, watchProcess } from "./processes.ts";
import type { LoadRun } from "./loadRun.ts";
import { formatMs, table, type Latencies } from "./stats.ts";

type LinkResult = LoadRun & { total: Latencies; code: Latencies; claim: Latencies; approve: Latencies; redeem: Latencies; linksPerSec: number };

/** At most this many links in one run: the bench must stay a bounded load on a shared machine. */
const MAX_LINKS = 5000;

/**
 * `npm run bench -- link --links=1000 --engine=sqlite|postgres`: that many desktops link at once, each to
 * its own seeded phone account (desktop socket → claim → approve → redeem), against a server
 * process on 127.0.0.1.
 */
export async function linkBench(flags: Record<string, string | undefined>): Promise<string> {
  const count = Math.min(Number(flags.links ?? 1000), MAX_LINKS);
  const engine = (flags.engine ?? "sqlite") as EngineName;
  const {
    result: load,
    cpuSeconds: serverCpu,
    peakRss,
  } = await withServer(
    engine,
    count,
    async ({ server, users, store }) => {
      const tokensFile = join(store.env.DATA_DIR ?? "", "phone-tokens.json");
      writeFileSync(tokensFile, JSON.stringify(users.map((u) => u.accessToken)));
      const ips = String(Math.max(16, Math.ceil(count / 8)));
      const args = ["--url", server.url, "--tokens", tokensFile, "--count", String(count), "--ips", ips];
      return watchProcess(server.child.pid ?? 0, () => runLoad<LinkResult>("bench/src/linkLoad.ts", args));
    },
    { connectPairs: false },
  );
  const row = (step: string, s: Latencies) => ({ step, "p50 ms": formatMs(s.p50), "p99 ms": formatMs(s.p99), "max ms": formatMs(s.max) });
  return [
    `## link: ${count} desktops at once, each linked to its own phone account (${engine}, server on core 0, load generator on core 1, 127.0.0.1)`,
    "",
    `linked ${load.ok}/${load.count} in ${(load.durationMs / 1000).toFixed(2)} s: **${load.linksPerSec.toFixed(0)} links/s**; ` +
      `server CPU ${serverCpu.toFixed(2)} s (${((serverCpu * 1000) / Math.max(1, load.ok)).toFixed(1)} ms a link), peak RSS ${(peakRss / 2 ** 20).toFixed(1)} MB; ` +
      `errors: ${
        Object.entries(load.errors)
          .map(([k, v]) => `${k}×${v}`)
          .join(", ") || "none"
      }`,
    "",
    table([
      row("socket → LINK_CODE", load.code),
      row("claim", load.claim),
      row("approve → LINK_APPROVED", load.approve),
      row("redeem", load.redeem),
      row("all server round trips", load.total),
    ]),
    "",
    "Latency is the server's round trips as the load generator sees them on loopback; its own key generation and signing are left out.",
  ].join("\n");
}
