// The load generator's reading of server frames: only the fields it needs, cheaply.
const ackPrefix = Buffer.from('{"type":"ACK","id":"');
const messagePrefix = Buffer.from('{"type":"MESSAGE",');
const clientIdKey = Buffer.from('"clientId":"');
const errorKey = Buffer.from('"error":');
const quote = 0x22;

export type Frame = { type: string; id?: string; error?: { code: string }; message?: { clientId: string } };

/**
 * Reads only what the generator needs. ACKs and MESSAGEs (nearly every frame) are read by
 * looking for their keys in the bytes (client ids are [A-Za-z0-9_-], never escaped); anything
 * else, and every ACK carrying an error, goes through JSON.parse.
 */
export function read(buffer: Buffer): Frame {
  if (buffer.subarray(0, ackPrefix.length).equals(ackPrefix) && buffer.indexOf(errorKey) < 0) {
    const start = ackPrefix.length;
    return { type: "ACK", id: buffer.toString("latin1", start, buffer.indexOf(quote, start)) };
  }
  if (buffer.subarray(0, messagePrefix.length).equals(messagePrefix)) {
    const key = buffer.indexOf(clientIdKey);
    if (key >= 0) {
      const start = key + clientIdKey.length;
      return { type: "MESSAGE", message: { clientId: buffer.toString("latin1", start, buffer.indexOf(quote, start)) } };
    }
  }
  return JSON.parse(buffer.toString()) as Frame;
}
