/**
 * The resolved values of the keys read or written last, each beside the
 * stored bytes it stands for, so that reading those same bytes again (the
 * common case: a key holds one sibling, the one this instance just wrote or
 * read) costs a byte comparison instead of a decode and a merge. Holds the
 * keys used last, at most `maxKeys` and `maxBytes` of stored bytes, dropping
 * the least recently used.
 */
export class RecentValues<V> {
  private readonly entries = new Map<string, { bytes: Uint8Array; value: V }>();
  private bytesHeld = 0;

  /**
   * @param maxBytes stored bytes kept. Default 8 MiB: some 65 full lists
   * (about 125 KB each), whose decoded values take some 2.5 times as much
   * (about 30 MB in all).
   * @param maxKeys keys kept, which bounds the memory of small values (a
   * cursor is some 100 bytes). Default 4096.
   */
  constructor(
    private readonly maxBytes = 8 * 1024 * 1024,
    private readonly maxKeys = 4096,
  ) {}

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
    this.delete(key);
    this.entries.set(key, { bytes, value });
    this.bytesHeld += bytes.byteLength;
    for (const oldest of this.entries.keys()) {
      if (this.bytesHeld <= this.maxBytes && this.entries.size <= this.maxKeys) break;
      this.delete(oldest);
    }
  }

  /** Forgets `key`. */
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytesHeld -= entry.bytes.byteLength;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
