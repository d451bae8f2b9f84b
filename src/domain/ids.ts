import { createHash, randomBytes } from "node:crypto";
import KSUID from "ksuid";

/** KSUID epoch: 2014-05-13T16:53:20Z, in milliseconds since the Unix epoch. */
const ksuidEpochMs = 1_400_000_000_000;
const payloadBytes = 16;
const idPattern = /^[0-9A-Za-z]{27}$/;

/** Issues canonical KSUIDs, each greater than the one before it. */
export type IdGenerator = () => string;

/**
 * Creates a generator of canonical KSUIDs (27 characters of base62) that never
 * issues two ids out of order, even within one second or when the clock steps
 * back: a new id takes the current second and a payload of the millisecond
 * within it (two bytes, big-endian) and fourteen random bytes, unless that
 * would not sort after the previous id, in which case it keeps the previous
 * second and payload plus one. String order then equals issue order, and ids
 * of different processes sort by their clocks' milliseconds, not only by the
 * second: a delete-all or rule write through one instance sorts after what
 * another wrote a few milliseconds before.
 *
 * @param now the clock, in milliseconds since the Unix epoch (default `Date.now`).
 */
export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  let lastSeconds = -1;
  let lastPayload: Buffer = Buffer.alloc(payloadBytes);
  return () => {
    const sinceEpochMs = Math.floor(now() - ksuidEpochMs);
    const seconds = Math.floor(sinceEpochMs / 1000);
    const payload = randomBytes(payloadBytes);
    payload.writeUInt16BE(sinceEpochMs - seconds * 1000, 0);
    if (seconds > lastSeconds || (seconds === lastSeconds && payload.compare(lastPayload) > 0)) {
      lastSeconds = seconds;
      lastPayload = payload;
    } else {
      lastPayload = incrementPayload(lastPayload);
    }
    return KSUID.fromParts(ksuidEpochMs + lastSeconds * 1000, lastPayload).string;
  };
}

/**
 * The least canonical KSUID greater than `id`: the same second, the payload
 * plus one. For versions that must sort after one issued by another
 * instance, whose clock may be ahead.
 */
export function idAfter(id: string): string {
  const parsed = KSUID.parse(id);
  return KSUID.fromParts(parsed.date.getTime(), incrementPayload(parsed.payload)).string;
}

/**
 * The least KSUID of the second `ms` milliseconds before `id`'s: every id
 * issued at or after that moment sorts after it. "" when `id` is no KSUID
 * (any id sorts after ""), or the moment lies before the KSUID epoch.
 */
export function idBefore(id: string, ms: number): string {
  let time: number;
  try {
    time = KSUID.parse(id).date.getTime() - ms;
  } catch {
    return "";
  }
  if (time < ksuidEpochMs) return "";
  return KSUID.fromParts(time, Buffer.alloc(payloadBytes)).string;
}

/** The payload plus one, as a 128-bit big-endian number; throws rather than wrap on overflow. */
function incrementPayload(payload: Buffer): Buffer {
  const next = Buffer.from(payload);
  for (let i = next.length - 1; i >= 0; i--) {
    const byte = next[i] ?? 0;
    if (byte < 0xff) {
      next[i] = byte + 1;
      return next;
    }
    next[i] = 0;
  }
  // 2^128 ids in one second cannot happen; wrapping would break order, so refuse.
  throw new Error("KSUID payload overflow within one second");
}

/** The whole second a KSUID was issued in, in ms since the Unix epoch. */
export function idTimeMs(id: string): number {
  return KSUID.parse(id).date.getTime();
}

/** True when `value` has the shape of a canonical KSUID. */
export function isKsuid(value: string): boolean {
  return idPattern.test(value);
}

/**
 * The least canonical KSUID of the second that holds `ms` (milliseconds since
 * the Unix epoch): every id issued from then on sorts after it.
 */
export function firstIdAt(ms: number): string {
  const seconds = Math.max(0, Math.floor((ms - ksuidEpochMs) / 1000));
  return KSUID.fromParts(ksuidEpochMs + seconds * 1000, Buffer.alloc(payloadBytes)).string;
}

/**
 * An id in the shape of a KSUID made from `parts` alone (a digest of them),
 * so that every instance derives the same one: for records that racing
 * requests must share, such as the job of a republish with the same
 * idempotency key. Its time part means nothing.
 */
export function derivedId(...parts: readonly string[]): string {
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest();
  return new KSUID(digest.subarray(0, 20)).string;
}
