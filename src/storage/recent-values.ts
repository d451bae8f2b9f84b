import { LRUCache } from "lru-cache";

interface Entry<V> {
  readonly bytes: Uint8Array;
  readonly value: V;
}

/**
 * The resolved values of the keys read or written last, each beside the
 * stored bytes it stands for, so that reading those same bytes again (the
 * common case: a key holds one sibling, the one this instance just wrote or
 * read) costs a byte comparison instead of a decode and a merge. Holds the
 * keys used last, at most `maxKeys` and `maxBytes` of stored bytes, dropping
 * the least recently used (lru-cache); a value whose bytes alone exceed
 * `maxBytes` is not kept.
 */
export class RecentValues<V> {
  private readonly entries: LRUCache<string, Entry<V>>;

  /**
   * @param maxBytes stored bytes kept. Default 8 MiB: some 65 full lists
   * (about 125 KB each), whose decoded values take some 2.5 times as much
   * (about 30 MB in all).
   * @param maxKeys keys kept, which bounds the memory of small values (a
   * cursor is some 100 bytes). Default 4096.
   */
  constructor(maxBytes = 8 * 1024 * 1024, maxKeys = 4096) {
    this.entries = new LRUCache({
      max: maxKeys,
      maxSize: maxBytes,
      // lru-cache wants a positive size; an empty list encodes to no bytes.
      sizeCalculation: (entry) => Math.max(1, entry.bytes.byteLength),
    });
  }

  /** The value remembered for `key` when it was remembered for exactly `bytes`. */
  get(key: string, bytes: Uint8Array): V | undefined {
    const entry = this.entries.get(key);
    return entry && sameBytes(entry.bytes, bytes) ? entry.value : undefined;
  }

  /** Remembers that `bytes`, stored under `key`, resolve to `value`. */
  set(key: string, bytes: Uint8Array, value: V): void {
    this.entries.set(key, { bytes, value });
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
