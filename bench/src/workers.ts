import { spawn, type ChildProcess } from "node:child_process";
import type { WorkerCommand, WorkerReply } from "./chatMessages.ts";
import { pinned, profileFlags, root } from "./processes.ts";

/**
 * A load-generator process driven over IPC: one command at a time, each answered by one reply.
 * The chat workers' messages by default; the group bench's are its own (every command set has `stop`).
 */
export type Worker<Command extends { type: string } = WorkerCommand, Reply extends { type: string } = WorkerReply> = {
  child: ChildProcess;
  ask<T extends Reply["type"]>(command: Command, expect: T, timeoutMs: number): Promise<Extract<Reply, { type: T }>>;
  stop(): Promise<void>;
};

export function startWorker<Command extends { type: string } = WorkerCommand, Reply extends { type: string; error?: string } = WorkerReply>(
  module: string,
  core: number | undefined = 1,
): Worker<Command, Reply> {
  const node = [...profileFlags(), "--import", "tsx", module];
  // No core: the scheduler places it (with a server on each core there is no core of its own to give it).
  const [command, args] = core === undefined ? [process.execPath, node] : pinned(core, process.execPath, node);
  const child = spawn(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    ask(message, expect, timeoutMs) {
      return new Promise((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
        };
        const onMessage = (answer: Reply) => {
          cleanup();
          if (answer.type === expect) resolve(answer as Extract<Reply, { type: typeof expect }>);
          else reject(new Error(`${module}: ${answer.type === "failed" ? answer.error : `unexpected ${answer.type}`}`));
        };
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`${module} exited ${code}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${module}: no ${expect} within ${timeoutMs} ms`));
        }, timeoutMs);
        child.on("message", onMessage);
        child.once("exit", onExit);
        child.send(message);
      });
    },
    async stop() {
      if (child.exitCode === null && child.connected) child.send({ type: "stop" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
