// `npm run bench -- search`: message search over 1,000,000 messages in 10,000 chats of 2,000
// people, through the HTTP API (one keep-alive connection, one request at a time).
import { corpusWords, seedSearchCorpus, type EngineName, type SearchCorpus } from "@easyqr/server/test-support";
import { withServer } from "./chatServer.ts";
import { runLoad } from "./processes.ts";
import { formatMs, table } from "./stats.ts";

export type SearchBenchOptions = { engine: EngineName; messages: number; users: number; requests: number };

export const defaultSearchBench: Omit<SearchBenchOptions, "engine"> = { messages: 1_000_000, users: 2_000, requests: 200 };

type Timing = { q: string; count: number; hitsPerPage: number; p50: number; p99: number; max: number };

/** Queries by how common their words are (rank in the corpus's Zipf-like draw). */
function querySet(): { label: string; q: string }[] {
  const words = corpusWords();
  const at = (rank: number) => words[rank]!;
  return [
    { label: "most common word (rank 1)", q: at(0) },
    { label: "common word (rank 10)", q: at(9) },
    { label: "word of rank 100", q: at(99) },
    { label: "word of rank 1,000", q: at(999) },
    { label: "rare word (rank 20,000)", q: at(19_999) },
    { label: "prefix of a common word", q: at(3).slice(0, 3) },
    { label: "two common words", q: `${at(1)} ${at(4)}` },
    { label: "common + rank 1,000", q: `${at(2)} ${at(999)}` },
    { label: "no such word", q: "zzyzzyx" },
  ];
}

export async function searchBench(o: SearchBenchOptions): Promise<string> {
  let corpus: SearchCorpus | undefined;
  let seedS = 0;
  let timings: Timing[] = [];
  const queries = querySet();
  await withServer(
    o.engine,
    o.users,
    async ({ server }) => {
      // Twenty people take turns searching: each sees ~0.1 % of the messages.
      const tokens = corpus?.searcherTokens ?? [];
      timings = await runLoad<Timing[]>("bench/src/searchHttp.ts", [
        "--url",
        server.url,
        "--tokens",
        JSON.stringify(tokens),
        "--queries",
        JSON.stringify(queries.map((q) => q.q)),
        "--count",
        String(o.requests),
      ]);
    },
    {
      connectPairs: false,
      beforeStart: async (store, users) => {
        const began = performance.now();
        corpus = await seedSearchCorpus(
          store.env,
          users.map((u) => u.id),
          o.messages,
        );
        seedS = (performance.now() - began) / 1000;
      },
    },
  );
  const rows = timings.map((t, i) => ({
    engine: o.engine,
    query: `${queries[i]?.label ?? ""}: \`${t.q}\``,
    "hits/page": t.hitsPerPage.toFixed(1),
    "p50 ms": formatMs(t.p50),
    "p99 ms": formatMs(t.p99),
    "max ms": formatMs(t.max),
  }));
  const c = corpus;
  const seeded = c
    ? `${c.messages.toLocaleString("en")} messages in ${c.chats.toLocaleString("en")} chats of ${o.users.toLocaleString("en")} people, seeded in ${seedS.toFixed(1)} s (rows ${c.insertSeconds.toFixed(1)} s, search index ${c.indexSeconds.toFixed(1)} s)`
    : "not seeded";
  return [`### ${o.engine}: ${seeded}; ${o.requests} requests per query, 20 searchers taking turns`, "", table(rows)].join("\n");
}
