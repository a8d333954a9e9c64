// `npm run bench -- chat-history`: the newest page of a chat of 1,000,000 messages, over HTTP at an
// offered rate (2,000 requests a second over keep-alive connections) and as a direct call of the
// service (one at a time, in a process of its own).
import { seedChatHistory, type EngineName, type SeededChat } from "@easyqr/server/test-support";
import { withServer } from "./chatServer.ts";
import { runLoad, watchProcess } from "./processes.ts";
import { formatMs, table } from "./stats.ts";

export type ChatHistoryOptions = { engine: EngineName; messages: number; requests: number; rate: number };

export const defaultChatHistory: Omit<ChatHistoryOptions, "engine"> = { messages: 1_000_000, requests: 10_000, rate: 2_000 };

type Timing = { count: number; messages: number; newestSeq: number | null; p50: number; p99: number; max: number; cpuSeconds: number };

export async function chatHistory(o: ChatHistoryOptions): Promise<string> {
  let chat: SeededChat | undefined;
  let seedS = 0;
  let http: Timing | undefined;
  let service: Timing | undefined;
  let serverCpuMs = Number.NaN;
  await withServer(
    o.engine,
    2,
    async ({ server, users, store }) => {
      if (!chat) throw new Error("no chat was seeded");
      const args = ["--chat", chat.chatId, "--count", String(o.requests)];
      const warmup = Math.min(o.requests, 2_000);
      const watched = await watchProcess(server.child.pid ?? 0, () =>
        runLoad<Timing>("bench/src/historyHttp.ts", [
          "--url",
          server.url,
          "--token",
          users[0]!.accessToken,
          "--rate",
          String(o.rate),
          "--warmup",
          String(warmup),
          ...args,
        ]),
      );
      http = watched.result;
      // Over the warm-up and the timed requests alike.
      serverCpuMs = (watched.cpuSeconds * 1000) / (warmup + o.requests);
      // The service alone, in a process on the server's core while the server idles.
      service = await runLoad<Timing>("bench/src/historyService.ts", ["--env", JSON.stringify(store.env), "--user", users[0]!.id, ...args], 0);
    },
    {
      beforeStart: async (store, users) => {
        const began = performance.now();
        chat = await seedChatHistory(store.env, users[0]!.id, users[1]!.id, o.messages);
        seedS = (performance.now() - began) / 1000;
      },
    },
  );
  const rows = [
    { path: `GET /api/chats/:id/messages, ${o.rate.toLocaleString("en")} requests/s offered (keep-alive)`, timing: http, cpuMs: serverCpuMs },
    { path: "chat service call (in process, one at a time)", timing: service, cpuMs: service ? (service.cpuSeconds * 1000) / service.count : Number.NaN },
  ].map(({ path, timing, cpuMs }) => ({
    engine: o.engine,
    path,
    requests: timing?.count ?? 0,
    "page size / newest seq": `${timing?.messages ?? "–"} / ${timing?.newestSeq ?? "–"}`,
    "p50 ms": formatMs(timing?.p50 ?? Number.NaN),
    "p99 ms": formatMs(timing?.p99 ?? Number.NaN),
    "max ms": formatMs(timing?.max ?? Number.NaN),
    "server CPU ms a request": cpuMs.toFixed(3),
  }));
  return [`### newest 50 of ${o.messages.toLocaleString("en")} messages (seeded in ${seedS.toFixed(1)} s)`, "", table(rows)].join("\n");
}
