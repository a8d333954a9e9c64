// `npm run bench -- chat-history`: the newest page of a chat of 1,000,000 messages, over HTTP
// (one keep-alive connection, one request at a time) and as a direct call of the service.
import { seedChatHistory, type EngineName, type SeededChat } from "@easyqr/server/test-support";
import { withServer } from "./chatServer.ts";
import { runLoad } from "./processes.ts";
import { formatMs, table } from "./stats.ts";

export type ChatHistoryOptions = { engine: EngineName; messages: number; requests: number };

export const defaultChatHistory: Omit<ChatHistoryOptions, "engine"> = { messages: 1_000_000, requests: 2_000 };

type Timing = { count: number; messages: number; newestSeq: number | null; p50: number; p99: number; max: number; cpuSeconds: number };

export async function chatHistory(o: ChatHistoryOptions): Promise<string> {
  let chat: SeededChat | undefined;
  let seedS = 0;
  let http: Timing | undefined;
  let service: Timing | undefined;
  await withServer(
    o.engine,
    2,
    async ({ server, users, store }) => {
      if (!chat) throw new Error("no chat was seeded");
      const args = ["--chat", chat.chatId, "--count", String(o.requests)];
      http = await runLoad<Timing>("bench/src/historyHttp.ts", ["--url", server.url, "--token", users[0]!.accessToken, ...args]);
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
    { path: "GET /api/chats/:id/messages (HTTP keep-alive)", timing: http },
    { path: "chat service call (in process)", timing: service },
  ].map(({ path, timing }) => ({
    engine: o.engine,
    path,
    requests: timing?.count ?? 0,
    "page size / newest seq": `${timing?.messages ?? "–"} / ${timing?.newestSeq ?? "–"}`,
    "p50 ms": formatMs(timing?.p50 ?? Number.NaN),
    "p99 ms": formatMs(timing?.p99 ?? Number.NaN),
    "max ms": formatMs(timing?.max ?? Number.NaN),
  }));
  return [`### newest 50 of ${o.messages.toLocaleString("en")} messages (seeded in ${seedS.toFixed(1)} s)`, "", table(rows)].join("\n");
}
