import { nextOccurrence, scheduleOf } from "../domain/digest-schedule.js";
import type { EmailChoice } from "../domain/preferences.js";
import { type SlotChange, scheduleSlotKey, watermarkKey } from "./record-types.js";
import type { ResolvingStore } from "./resolving-store.js";

/** A user due for a digest at a time. */
export interface ScheduleEntry {
  readonly username: string;
  /** When the digest is due, in ms since the Unix epoch. */
  readonly dueAt: number;
}

const hourMs = 3_600_000;

/** The UTC hour (hours since the Unix epoch) that holds `instant`. */
export function hourOf(instant: number): number {
  return Math.floor(instant / hourMs);
}

/**
 * The schedule index (bucket `digest-schedule`): for each UTC hour, the users
 * due in it, spread over `shards` keys by a hash of the username so that no
 * one object holds every user due at a popular hour. A worker finds the due
 * users by reading the slots of the hours up to now, never by listing keys or
 * reading every user. Entries are hints: the user's preferences and digest
 * state decide what is really due, so a stale entry costs one read.
 */
export class ScheduleIndex {
  /**
   * @param shards keys per hour. Raising it later is safe (readers read every
   *   shard up to the current count); lowering it hides the entries above.
   */
  constructor(
    private readonly slots: ResolvingStore<ReadonlySet<string>, SlotChange>,
    private readonly watermark: ResolvingStore<number, number>,
    private readonly shards: number,
  ) {}

  /** Records that `entry.username` is due at `entry.dueAt`; resolves once durable. */
  async add(entry: ScheduleEntry): Promise<void> {
    await this.slots.change(this.keyOf(entry), { kind: "add", entry: encodeEntry(entry) });
  }

  /**
   * Records the user's next digest after `after` as `email` schedules it;
   * nothing when digests are off. Resolves with the entry once durable.
   */
  async addNext(
    username: string,
    email: EmailChoice,
    after: number,
  ): Promise<ScheduleEntry | undefined> {
    const schedule = scheduleOf(email);
    if (!schedule) return undefined;
    const entry = { username, dueAt: nextOccurrence(schedule, after).dueAt };
    await this.add(entry);
    return entry;
  }

  /** Forgets an entry (done, or moved); resolves once durable. */
  async remove(entry: ScheduleEntry): Promise<void> {
    await this.slots.change(this.keyOf(entry), { kind: "remove", entry: encodeEntry(entry) });
  }

  /** Every entry of the UTC hour `hour`, from all its shards. */
  async readHour(hour: number): Promise<ScheduleEntry[]> {
    const shards = Array.from({ length: this.shards }, (_, shard) => shard);
    const slots = await Promise.all(
      shards.map((shard) => this.slots.read(scheduleSlotKey(hour, shard), { purpose: "update" })),
    );
    return slots.flatMap((entries) => [...(entries ?? [])].flatMap(decodeEntry));
  }

  /** The hour below which every slot was scanned to the end; undefined when never. */
  readWatermark(): Promise<number | undefined> {
    return this.watermark.read(watermarkKey, { purpose: "update" });
  }

  /** Moves the watermark up to `hour` (never down); resolves once durable. */
  async advanceWatermark(hour: number): Promise<void> {
    await this.watermark.change(watermarkKey, hour);
  }

  private keyOf(entry: ScheduleEntry): string {
    return scheduleSlotKey(hourOf(entry.dueAt), shardOf(entry.username, this.shards));
  }
}

/** `<due ms>|<username>`: usernames hold no `|`. */
function encodeEntry(entry: ScheduleEntry): string {
  return `${entry.dueAt}|${entry.username}`;
}

function decodeEntry(text: string): ScheduleEntry[] {
  const bar = text.indexOf("|");
  const dueAt = Number(text.slice(0, bar));
  // An entry this code did not write is skipped: the index is only a hint.
  return bar > 0 && Number.isSafeInteger(dueAt) ? [{ username: text.slice(bar + 1), dueAt }] : [];
}

/** FNV-1a over the UTF-16 code units: stable across processes and versions. */
function shardOf(username: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < username.length; i++) {
    hash ^= username.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
