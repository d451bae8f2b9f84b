import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ClassicLevel } from "classic-level";
import { LRUCache } from "lru-cache";
import { EmbeddedObjectSchema } from "../gen/notification/storage/v1/records_pb.js";
import { prepareDataDir } from "./data-dir.js";
import { StorageUnavailableError } from "./errors.js";
import type { BucketName, KeyValueStore, SiblingRead } from "./key-value-store.js";

interface StoredObject {
  readonly version: bigint;
  readonly siblings: readonly Uint8Array[];
}

/**
 * The embedded store: LevelDB (classic-level) in a data directory. It keeps
 * Riak's shape so the domain runs unchanged on it: each key holds sibling
 * values and a version that plays the vclock's part. A write whose context is
 * the current version replaces the value; a stale one is kept as a sibling,
 * as Riak keeps concurrent writes, for the domain to merge.
 *
 * Every write is synced to disk before it resolves, so an acknowledged write
 * survives a crash of the process or the machine.
 *
 * One process owns the directory (LevelDB's lock), so the objects read or
 * written last are kept in memory, written through (lru-cache, 16 MiB of
 * values): reading a hot key, and the version check of its next write, cost
 * no LevelDB read.
 */
export class EmbeddedStore implements KeyValueStore {
  // Writes to one key are serialized here too, so the version check and the
  // write are atomic even for callers that bypass group commit.
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly recent = new LRUCache<string, StoredObject>({
    maxSize: 16 * 1024 * 1024,
    sizeCalculation: (object) =>
      Math.max(
        1,
        object.siblings.reduce((sum, value) => sum + value.byteLength, 0),
      ),
  });

  // Writes and deletes so far: a read caches what it found only if none ended meanwhile.
  private writes = 0;

  private constructor(private readonly db: ClassicLevel<string, Uint8Array>) {}

  /**
   * Opens (creating if needed) the store in `dataDir`. Rejects with a
   * StorageUnavailableError saying why, in one line, when the directory
   * cannot be created or written, or another process holds the store.
   */
  static async open(dataDir: string): Promise<EmbeddedStore> {
    try {
      await prepareDataDir(dataDir);
    } catch (cause) {
      throw new StorageUnavailableError(
        `cannot use "${dataDir}" as the embedded store's directory: ${(cause as Error).message}`,
        { cause },
      );
    }
    const db = new ClassicLevel<string, Uint8Array>(dataDir, { valueEncoding: "view" });
    try {
      await db.open();
    } catch (cause) {
      throw new StorageUnavailableError(
        `cannot open the embedded store in "${dataDir}" (${openFailure(cause)})`,
        { cause },
      );
    }
    return new EmbeddedStore(db);
  }

  async get(bucket: BucketName, key: string): Promise<SiblingRead> {
    const object = await this.load(storageKey(bucket, key));
    if (!object) return { values: [], context: undefined };
    return { values: object.siblings, context: versionBytes(object.version) };
  }

  put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
  ): Promise<void> {
    const id = storageKey(bucket, key);
    return this.locked(id, async () => {
      const current = await this.load(id);
      const superseded = !current || isCurrent(current, context);
      const siblings = superseded ? [value] : [...current.siblings, value];
      await this.save(id, { version: (current?.version ?? 0n) + 1n, siblings });
    });
  }

  delete(bucket: BucketName, key: string, context: Uint8Array | undefined): Promise<void> {
    const id = storageKey(bucket, key);
    return this.locked(id, async () => {
      const current = await this.load(id);
      // A delete that has not seen the latest write loses to it, as in Riak.
      if (!current || !isCurrent(current, context)) return;
      await this.wrap(() => this.db.del(id, { sync: true }));
      this.writes++;
      this.recent.delete(id);
    });
  }

  async ping(): Promise<void> {
    if (this.db.status !== "open")
      throw new StorageUnavailableError("the embedded store is closed");
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.locks.values());
    await this.db.close();
  }

  private async load(id: string): Promise<StoredObject | undefined> {
    const known = this.recent.get(id);
    if (known) return known;
    const writes = this.writes;
    const bytes = await this.wrap(() => this.db.get(id));
    if (bytes === undefined) return undefined;
    const record = fromBinary(EmbeddedObjectSchema, bytes);
    const object = { version: record.version, siblings: record.siblings };
    // What a write or delete that ended meanwhile left must not be shadowed by this older read.
    if (writes === this.writes) this.recent.set(id, object);
    return object;
  }

  private async save(id: string, object: StoredObject): Promise<void> {
    const record = create(EmbeddedObjectSchema, {
      version: object.version,
      siblings: [...object.siblings],
    });
    await this.wrap(() => this.db.put(id, toBinary(EmbeddedObjectSchema, record), { sync: true }));
    this.writes++;
    this.recent.set(id, object);
  }

  private async wrap<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      throw new StorageUnavailableError("the embedded store failed", { cause });
    }
  }

  private locked(id: string, operation: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const next = previous.then(operation, operation);
    this.locks.set(id, next);
    const cleanup = () => {
      if (this.locks.get(id) === next) this.locks.delete(id);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}

function openFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "LEVEL_LOCKED") return "another process is using it";
  return cause?.message ?? (error as Error).message;
}

function storageKey(bucket: BucketName, key: string): string {
  return `${bucket}/${key}`;
}

function versionBytes(version: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, version);
  return bytes;
}

function isCurrent(object: StoredObject, context: Uint8Array | undefined): boolean {
  if (context?.length !== 8) return false;
  return new DataView(context.buffer, context.byteOffset, 8).getBigUint64(0) === object.version;
}
