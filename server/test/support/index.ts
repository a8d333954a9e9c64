// `@easyqr/server/test-support`: what code outside the server (bench/, e2e/) uses of its test
// support. The server's own tests import the files beside this one directly.
export { apiAs, sleep } from "./faultStorm.ts";
export { hostileFrames } from "./hostile.ts";
export { seedChatHistory, seedUsers, type SeededChat, type SeededUser } from "./seed.ts";
export { clearRedisPrefix } from "./redis.ts";
export { freePort } from "./serverProcess.ts";
export { freshStore, type EngineName, type Store } from "./store.ts";
export { corpusWords, seedSearchCorpus, type SearchCorpus } from "./searchSeed.ts";
