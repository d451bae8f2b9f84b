import { Redis } from "ioredis";
import type { IngestSource, SourceBatch, SourceEntry, SourceStats } from "./ingest-source.js";

/** Options of the Redis Streams source. */
export interface RedisStreamSourceOptions {
  /** `redis://[user:password@]host:port[/db]` (`redis.url`). */
  readonly url: string;
  /** The stream (`ingest.redis_stream`); dead letters go to `<stream>:dead`. */
  readonly stream: string;
  /** The consumer group shared by every instance (`ingest.group`). */
  readonly group: string;
  /** This instance's consumer name in the group. */
  readonly consumer: string;
  /** Bounds every command but the blocking read, and the wait for a connection, in ms. */
  readonly commandTimeoutMs: number;
}

/** The field of a stream entry that holds the request's JSON. */
export const requestField = "request";

// Idle time given to released entries, in ms: a year, past any claim_idle_ms,
// so that the next claim of any instance takes them.
const releasedIdleMs = 31_536_000_000;

// The dead letter and the acknowledgement in one step: the letter is written
// only when this XACK removed the entry from the group's pending list, so an
// entry that two consumers both found invalid (one took it over from the
// other), or a retried call, yields one dead letter.
const deadLetterScript = `
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
  return 1
end
return 0`;

// Removes this consumer from the group when it holds nothing: a consumer
// that still holds entries keeps them (deleting it would drop them from the
// pending list, and no one could claim them).
const leaveScript = `
if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) == 0 then
  return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
end
return -1`;

/**
 * Redis Streams as an ingestion source: a consumer group (created at the
 * start of the stream when missing, so entries published before the first
 * instance started are read too), XREADGROUP for new entries, XAUTOCLAIM
 * for those left idle, XACK, and `<stream>:dead` for dead letters. The
 * blocking read has a connection of its own, since a blocked connection
 * answers nothing else. Commands wait for a connection at most the command
 * timeout and are never resent behind the caller's back: a failure rejects,
 * and the consumer retries.
 */
export class RedisStreamSource implements IngestSource {
  readonly description: string;
  private readonly commands: Redis;
  private readonly reader: Redis;
  private readonly stream: string;
  private readonly dead: string;
  private readonly group: string;
  private readonly consumer: string;
  /** Where the read of this consumer's own earlier entries goes on; undefined once done. */
  private historyFrom: string | undefined = "0";
  private claimFrom = "0-0";

  constructor(options: RedisStreamSourceOptions) {
    this.stream = options.stream;
    this.dead = `${options.stream}:dead`;
    this.group = options.group;
    this.consumer = options.consumer;
    this.description = `Redis stream ${JSON.stringify(this.stream)} (group ${JSON.stringify(this.group)}, consumer ${JSON.stringify(this.consumer)})`;
    const timeoutMs = options.commandTimeoutMs;
    const common = {
      connectTimeout: timeoutMs,
      // Commands issued while disconnected wait for the connection, within
      // their timeout, and fail when a reconnect attempt fails.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
    };
    this.commands = new Redis(options.url, { ...common, commandTimeout: timeoutMs });
    // No command timeout on the blocking read (it would cut every BLOCK short);
    // instead a client-side bound of BLOCK plus the timeout, against a hung server.
    this.reader = new Redis(options.url, {
      ...common,
      blockingTimeout: timeoutMs,
      blockingTimeoutGrace: timeoutMs,
    });
    // Without a listener ioredis prints every failed reconnect attempt; the
    // consumer logs the failures its calls meet.
    for (const client of [this.commands, this.reader]) client.on("error", () => {});
  }

  async open(): Promise<void> {
    try {
      await this.commands.xgroup("CREATE", this.stream, this.group, "0", "MKSTREAM");
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
    }
  }

  async read(max: number, waitMs: number): Promise<SourceBatch> {
    if (this.historyFrom !== undefined) {
      const history = await this.commands.xreadgroup(
        "GROUP",
        this.group,
        this.consumer,
        "COUNT",
        max,
        "STREAMS",
        this.stream,
        this.historyFrom,
      );
      const items = streamItems(history);
      const last = items.at(-1);
      if (last) {
        this.historyFrom = last[0];
        return this.batch(items);
      }
      this.historyFrom = undefined;
    }
    const reply = await this.reader.xreadgroup(
      "GROUP",
      this.group,
      this.consumer,
      "COUNT",
      max,
      "BLOCK",
      waitMs,
      "STREAMS",
      this.stream,
      ">",
    );
    return this.batch(streamItems(reply));
  }

  async claim(max: number, idleMs: number): Promise<SourceBatch & { more: boolean }> {
    const reply = (await this.commands.xautoclaim(
      this.stream,
      this.group,
      this.consumer,
      idleMs,
      this.claimFrom,
      "COUNT",
      max,
    )) as [string, RawItem[], string[]?];
    const [next, items, deleted = []] = reply;
    this.claimFrom = next;
    // Deleted entries have left the pending list already (Redis 7).
    const batch = await this.batch(items);
    return { entries: batch.entries, lost: batch.lost + deleted.length, more: next !== "0-0" };
  }

  async ack(entry: SourceEntry): Promise<void> {
    await this.commands.xack(this.stream, this.group, entry.id);
  }

  async deadLetter(entry: SourceEntry, error: string): Promise<boolean> {
    const original = "json" in entry ? ["request", entry.json] : ["fields", entry.original];
    const written = await this.commands.eval(
      deadLetterScript,
      2,
      this.stream,
      this.dead,
      this.group,
      entry.id,
      "entry",
      entry.id,
      "error",
      error,
      ...original,
      "idempotency_key",
      entry.idempotencyKey,
      "consumer",
      this.consumer,
    );
    return written === 1;
  }

  async renew(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // XCLAIM with no minimum idle time resets each entry's idle time (JUSTID:
    // without counting a delivery).
    await this.commands.xclaim(this.stream, this.group, this.consumer, 0, ...ids, "JUSTID");
  }

  async releaseAll(): Promise<number> {
    let released = 0;
    let from = "-";
    for (;;) {
      const pending = (await this.commands.xpending(
        this.stream,
        this.group,
        from,
        "+",
        1000,
        this.consumer,
      )) as [string, string, number, number][];
      const ids = pending.map(([id]) => id);
      const last = ids.at(-1);
      if (last === undefined) break;
      // Still this consumer's, but idle for long enough that the next claim
      // of any instance takes them (JUSTID: not counted as a delivery).
      await this.commands.xclaim(
        this.stream,
        this.group,
        this.consumer,
        0,
        ...ids,
        "IDLE",
        releasedIdleMs,
        "JUSTID",
      );
      released += ids.length;
      from = `(${last}`;
    }
    if (released === 0)
      await this.commands.eval(leaveScript, 1, this.stream, this.group, this.consumer);
    return released;
  }

  async stats(): Promise<SourceStats> {
    const groups = (await this.commands.xinfo("GROUPS", this.stream)) as unknown[][];
    for (const fields of groups) {
      const info = pairs(fields);
      if (info.get("name") !== this.group) continue;
      const lag = info.get("lag");
      return {
        lag: typeof lag === "number" ? lag : undefined,
        pending: Number(info.get("pending") ?? 0),
      };
    }
    return { lag: undefined, pending: 0 };
  }

  interrupt(): void {
    this.reader.disconnect();
  }

  async close(): Promise<void> {
    this.reader.disconnect();
    if (this.commands.status === "ready") {
      try {
        await this.commands.quit();
        return;
      } catch {
        // Fall through: cut the connection.
      }
    }
    this.commands.disconnect();
  }

  /** The entries of a reply; those deleted from the stream are acknowledged and counted lost. */
  private async batch(items: readonly RawItem[]): Promise<SourceBatch> {
    const entries: SourceEntry[] = [];
    const gone: string[] = [];
    for (const [id, fields] of items) {
      if (fields === null) gone.push(id);
      else entries.push(this.entry(id, fields));
    }
    if (gone.length > 0) await this.commands.xack(this.stream, this.group, ...gone);
    return { entries, lost: gone.length };
  }

  private entry(id: string, fields: readonly string[]): SourceEntry {
    const map = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2)
      map.set(fields[i] as string, fields[i + 1] as string);
    const base = {
      id,
      // The stream's name is not part of the key: entry ids grow with time,
      // so a new stream of the same name does not reuse an old one's ids.
      idempotencyKey: `redis-stream:${id}`,
      original: JSON.stringify(Object.fromEntries(map)),
      enqueuedAt: entryTime(id),
    };
    const json = map.get(requestField);
    if (json !== undefined) return { ...base, json };
    const names = [...map.keys()].map((name) => JSON.stringify(name)).join(", ");
    return {
      ...base,
      unreadable: `the entry has no ${requestField} field holding the request's JSON (it has ${names || "no fields"})`,
    };
  }
}

/** One `[id, fields]` of a stream reply; fields are null for an entry deleted since delivery. */
type RawItem = [string, string[] | null];

/** The items of an XREADGROUP reply for one stream (null: nothing came). */
function streamItems(reply: unknown): RawItem[] {
  if (!Array.isArray(reply)) return [];
  const [stream] = reply as [string, RawItem[]][];
  return stream?.[1] ?? [];
}

/** The milliseconds part of an entry id (`<ms>-<seq>`): when Redis added it, unless the producer chose the id. */
function entryTime(id: string): number | undefined {
  const ms = Number(id.slice(0, id.indexOf("-")));
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** An XINFO reply's flat key, value list as a map. */
function pairs(fields: readonly unknown[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), fields[i + 1]);
  return map;
}
