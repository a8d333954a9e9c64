// `chat-history --baseline=DIR`: the newest page against this checkout's server and another's (a
// baseline build), both running at once on databases seeded alike, loaded in turn (this, the
// baseline, this, …) in slices of the requests, so both meet the same moments of a shared machine.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { seedChatHistory, type EngineName } from "@easyqr/server/test-support";
import { supportOf, withServer } from "./chatServer.ts";
import { runLoad, watchProcess, type RunningServer } from "./processes.ts";
import { formatMs, percentile, table } from "./stats.ts";

export type HistoryCompareOptions = { engine: EngineName; messages: number; requests: number; rate: number; baseline: string; rounds: number };

type Target = { server: RunningServer; token: string; chatId: string };
type Slice = { p50: number; p99: number; cpuMs: number; messages: number; newestSeq: number | null };
type SliceTiming = { count: number; messages: number; newestSeq: number | null; p50: number; p99: number };

/** A server of `serverRoot` (this checkout when undefined) on a fresh database holding the chat. */
function withSeeded<T>(o: HistoryCompareOptions, serverRoot: string | undefined, work: (target: Target) => Promise<T>): Promise<T> {
  let chatId = "";
  return withServer(o.engine, 2, async ({ server, users }) => work({ server, token: users[0]!.accessToken, chatId }), {
    ...(serverRoot ? { serverRoot } : {}),
    beforeStart: async (store, users) => {
      const seed = serverRoot ? (await supportOf(serverRoot)).seedChatHistory : seedChatHistory;
      chatId = (await seed(store.env, users[0]!.id, users[1]!.id, o.messages)).chatId;
    },
  });
}

async function slice(o: HistoryCompareOptions, target: Target, count: number, warmup: number): Promise<Slice> {
  const args = ["--url", target.server.url, "--token", target.token, "--chat", target.chatId, "--rate", String(o.rate)];
  const watched = await watchProcess(target.server.child.pid ?? 0, () =>
    runLoad<SliceTiming>("bench/src/historyHttp.ts", [...args, "--warmup", String(warmup), "--count", String(count)]),
  );
  const { p50, p99, messages, newestSeq } = watched.result;
  return { p50, p99, messages, newestSeq, cpuMs: (watched.cpuSeconds * 1000) / (warmup + count) };
}

export async function historyCompare(o: HistoryCompareOptions): Promise<string> {
  if (!existsSync(join(o.baseline, "server/src/main.ts"))) throw new Error(`--baseline: ${o.baseline} holds no server/src/main.ts`);
  const slices: { current: Slice[]; baseline: Slice[] } = { current: [], baseline: [] };
  const count = Math.ceil(o.requests / o.rounds);
  await withSeeded(o, undefined, (current) =>
    withSeeded(o, o.baseline, async (baseline) => {
      for (let round = 0; round < o.rounds; round++) {
        const warmup = round === 0 ? 2_000 : 500;
        slices.current.push(await slice(o, current, count, warmup));
        slices.baseline.push(await slice(o, baseline, count, warmup));
      }
    }),
  );
  const median = (values: number[]) => percentile(values, 50);
  const row = (build: string, s: Slice[]) => ({
    build,
    "page size / newest seq": `${s.at(-1)?.messages ?? "–"} / ${s.at(-1)?.newestSeq ?? "–"}`,
    "server CPU ms a request (each round)": s.map((x) => x.cpuMs.toFixed(3)).join(" "),
    "median CPU ms": median(s.map((x) => x.cpuMs)).toFixed(3),
    "p50 ms (median)": formatMs(median(s.map((x) => x.p50))),
    "p99 ms (median)": formatMs(median(s.map((x) => x.p99))),
  });
  const ratio = median(slices.current.map((x) => x.cpuMs)) / median(slices.baseline.map((x) => x.cpuMs));
  return [
    `### ${o.engine}: newest 50 of ${o.messages.toLocaleString("en")} messages, ${o.rate.toLocaleString("en")} requests/s offered, this build and ${o.baseline} in turn (${o.rounds} rounds of ${count.toLocaleString("en")})`,
    "",
    table([row("this", slices.current), row("baseline", slices.baseline)]),
    "",
    `Server CPU a page, this / baseline (medians): ${ratio.toFixed(2)}.`,
  ].join("\n");
}
