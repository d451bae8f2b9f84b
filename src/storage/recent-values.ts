/**
 * The resolved values of the keys read or written last, each beside the
 * stored bytes it stands for, so that reading those same bytes again (the
 * common case: a key holds one sibling, the one this instance just wrote or
 * read) costs a byte comparison instead of a decode and a merge. Holds at
 * most `capacity` keys, dropping the least recently used.
 */
export class RecentValues<V> {
  private readonly entries = new Map<string, { bytes: Uint8Array; value: V }>();

  /** @param capacity keys kept. Default 16: a full list's bytes and value take about 0.5 MB. */
  constructor(private readonly capacity = 16) {}

  /** The value remembered for `key` when it was remembered for exactly `bytes`. */
  get(key: string, bytes: Uint8Array): V | undefined {
    const entry = this.entries.get(key);
    if (!entry || !sameBytes(entry.bytes, bytes)) return undefined;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Remembers that `bytes`, stored under `key`, resolve to `value`. */
  set(key: string, bytes: Uint8Array, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { bytes, value });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
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
