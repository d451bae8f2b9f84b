import type { VersionVector } from "./version-vector.js";

// The test node's own opaque vclock bytes: a 2-byte header, then one 12-byte
// entry per actor (8-byte actor id, 4-byte big-endian counter), sorted by
// actor so that equal vectors always have equal bytes. Real Riak sends
// deflated Erlang terms instead; clients must not care.
const magic = 0x76;
const formatVersion = 1;
const headerLength = 2;
const actorLength = 8;
const entryLength = actorLength + 4;

/** Length in bytes of an actor id; actors are written as hex strings of this many bytes. */
export const actorIdLength = actorLength;

/** Encodes a version vector as vclock bytes. */
export function encodeVclock(vector: VersionVector): Uint8Array {
  const actors = [...vector.keys()].sort();
  const bytes = Buffer.alloc(headerLength + actors.length * entryLength);
  bytes[0] = magic;
  bytes[1] = formatVersion;
  actors.forEach((actor, index) => {
    const offset = headerLength + index * entryLength;
    bytes.write(actor, offset, actorLength, "hex");
    bytes.writeUInt32BE(vector.get(actor) ?? 0, offset + actorLength);
  });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Decodes vclock bytes written by {@link encodeVclock}. Returns undefined for
 * anything else, such as a vclock minted by a real Riak or arbitrary bytes.
 */
export function decodeVclock(bytes: Uint8Array): VersionVector | undefined {
  if (bytes.length < headerLength || bytes[0] !== magic || bytes[1] !== formatVersion) {
    return undefined;
  }
  if ((bytes.length - headerLength) % entryLength !== 0) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const vector = new Map<string, number>();
  for (let offset = headerLength; offset < buffer.length; offset += entryLength) {
    const actor = buffer.toString("hex", offset, offset + actorLength);
    const counter = buffer.readUInt32BE(offset + actorLength);
    if (counter === 0 || vector.has(actor)) return undefined;
    vector.set(actor, counter);
  }
  return vector;
}
