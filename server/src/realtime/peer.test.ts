import assert from "node:assert/strict";
import { Duplex } from "node:stream";
import { test } from "node:test";
import type { WebSocket } from "ws";
import { Peer } from "./peer.ts";

/** A connection that records each write it is asked to make (one per syscall on a real socket). */
function recordingConnection(): { stream: Duplex; writes: string[][] } {
  const writes: string[][] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => (c.chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, writes };
}

/** What Peer uses of a `ws` socket: sending writes the frame to the connection under it. */
function socketOver(stream: Duplex): WebSocket {
  return { readyState: 1, OPEN: 1, bufferedAmount: 0, send: (text: string) => stream.write(text) } as unknown as WebSocket;
}

test("frames sent to one connection in one turn leave in one write, at the end of the turn", async () => {
  const { stream, writes } = recordingConnection();
  const peer = new Peer(socketOver(stream), stream);
  peer.send({ encoded: "one" });
  peer.send({ encoded: "two" });
  peer.send({ encoded: "three" });
  assert.deepEqual(writes, [], "nothing leaves before the turn ends");
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(writes, [["one", "two", "three"]]);

  peer.send({ encoded: "four" });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(writes, [["one", "two", "three"], ["four"]], "a later turn writes on its own");
});

test("two connections written in one turn each get their own single write", async () => {
  const a = recordingConnection();
  const b = recordingConnection();
  const peers = [new Peer(socketOver(a.stream), a.stream), new Peer(socketOver(b.stream), b.stream)];
  for (const [i, peer] of [...peers, ...peers].entries()) peer.send({ encoded: `frame ${i}` });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(a.writes, [["frame 0", "frame 2"]]);
  assert.deepEqual(b.writes, [["frame 1", "frame 3"]]);
});
