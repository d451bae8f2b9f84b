import { mapLimit } from "../concurrency/map-limit.js";
import {
  comparePositions,
  type MemberPosition,
  maxLevels,
  positionEnd,
  positioned,
  type ShardAddress,
  shardCovering,
  shardName,
  shardRange,
} from "../domain/member-position.js";
import {
  applyShardChanges,
  emptyShard,
  isLive,
  liveCount,
  type MemberShard,
  type Membership,
  mergeShards,
  type ShardChange,
} from "../domain/member-shard.js";
import type { BucketName, CallOptions, KeyValueStore } from "./key-value-store.js";
import { decodeShard, encodeShard } from "./member-shard-codec.js";
import { ResolvingStore, type ResolvingStoreObservers } from "./resolving-store.js";

/** Options of a {@link MemberSets}. */
export interface MemberSetOptions {
  /** Members (removed ones included) a shard takes before new members go a level deeper. */
  readonly shardCapacity: number;
  /** Storage calls one operation makes at once. */
  readonly concurrency: number;
}

/** What an add did. */
export type AddOutcome =
  | {
      readonly kind: "added";
      /** Members that were not in the set before. */
      readonly added: readonly string[];
      /** Live members after the add, as counted. */
      readonly count: number;
    }
  /** Nothing was added: the new members would take the set past `limit`. */
  | { readonly kind: "full"; readonly count: number; readonly adding: number };

/** A page of a walk over a set. */
export interface ScanPage {
  /** Live members in set order (position, then name). */
  readonly members: readonly MemberPosition[];
  /** True when members follow the last one returned. */
  readonly more: boolean;
}

/** Where each member was found, and the shards read to find out. */
interface Located {
  readonly root: MemberShard;
  readonly shards: Map<string, { readonly address: ShardAddress; readonly shard: MemberShard }>;
  readonly entries: Map<string, { address: ShardAddress; membership: Membership }[]>;
}

const root: ShardAddress = { level: 0, index: 0 };

/**
 * Named sets of members (a topic's subscribers, the users a key reached)
 * stored in shards so that no object grows with the set: a set starts as one
 * root object; once the shard a new member would join is full, it joins the
 * shard of the next level that covers its position, down to 2^16 shards
 * (see `member-position.ts`). Each shard merges per member (the latest change
 * wins), so concurrent writers through any instance converge. The root
 * counts the live members of every other shard, so a set's size is one read.
 */
export class MemberSets {
  private readonly shards: ResolvingStore<MemberShard, ShardChange>;

  constructor(
    store: KeyValueStore,
    bucket: BucketName,
    private readonly newVersion: () => string,
    private readonly options: MemberSetOptions,
    observers: ResolvingStoreObservers = {},
  ) {
    this.shards = new ResolvingStore(
      store,
      {
        bucket,
        decode: decodeShard,
        encode: (_key, shard) => encodeShard(shard),
        merge: (siblings) => (siblings.length === 0 ? undefined : mergeShards(siblings)),
        apply: (current, changes) => applyShardChanges(current ?? emptyShard, changes),
      },
      observers,
    );
  }

  /** Live members of the set, as the root counts them. */
  async count(name: string, call?: CallOptions): Promise<number> {
    return countOf(await this.read(name, root, call));
  }

  /**
   * Adds members (those already in the set are left as they are). With
   * `limit`, adds nothing when the set would grow past it.
   */
  async add(name: string, members: readonly string[], limit = Infinity): Promise<AddOutcome> {
    const unique = [...new Set(members)];
    const found = await this.locate(name, unique);
    const before = countOf(found.root);
    const sizes = new Map<string, number>();
    const sizeOf = (address: ShardAddress) =>
      sizes.get(shardName(address)) ??
      found.shards.get(shardName(address))?.shard.members.size ??
      0;
    let levels = found.root.levels;
    const plan = new Plan();
    const added: string[] = [];
    for (const member of unique) {
      const holders = found.entries.get(member) ?? [];
      if (holders.some((h) => isLive(h.membership))) continue;
      added.push(member);
      // A member removed before takes its old place again; a new one the
      // shallowest shard with room, or a shard of a new level.
      let target = latest(holders)?.address;
      if (!target) {
        const { position } = positioned(member);
        for (let level = 0; level <= levels && !target; level++) {
          const address = shardCovering(position, level);
          if (sizeOf(address) < this.options.shardCapacity) target = address;
        }
        if (!target) {
          levels = Math.min(levels + 1, maxLevels);
          target = shardCovering(position, levels);
        }
      }
      sizes.set(shardName(target), sizeOf(target) + 1);
      plan.add(target, { kind: "member", member, removed: false, version: this.newVersion() });
    }
    if (before + added.length > limit) return { kind: "full", count: before, adding: added.length };
    // The deeper level is recorded first: a reader that finds a member there
    // has read a root that sends it there.
    if (levels > found.root.levels) await this.shards.change(name, { kind: "levels", levels });
    await this.write(name, plan);
    return { kind: "added", added, count: before + added.length };
  }

  /** Removes members (those not in the set are ignored); resolves with the live count after. */
  async remove(name: string, members: readonly string[]): Promise<number> {
    const unique = [...new Set(members)];
    const found = await this.locate(name, unique);
    const plan = new Plan();
    let removed = 0;
    for (const member of unique) {
      const live = (found.entries.get(member) ?? []).filter((h) => isLive(h.membership));
      if (live.length > 0) removed++;
      for (const holder of live) {
        plan.add(holder.address, {
          kind: "member",
          member,
          removed: true,
          version: this.newVersion(),
        });
      }
    }
    await this.write(name, plan);
    return Math.max(0, countOf(found.root) - removed);
  }

  /**
   * Up to `limit` live members after `after` (from the first when undefined),
   * in set order, reading only the shards that cover the positions walked.
   */
  async scan(
    name: string,
    after: MemberPosition | undefined,
    limit: number,
    call?: CallOptions,
  ): Promise<ScanPage> {
    const top = await this.read(name, root, call);
    const read = new Map<string, Promise<MemberShard>>();
    const shardAt = (address: ShardAddress) => {
      const key = shardName(address);
      let shard = read.get(key);
      if (!shard) {
        shard = this.read(name, address, call);
        read.set(key, shard);
      }
      return shard;
    };
    const found: MemberPosition[] = [];
    let start = after?.position ?? 0;
    // One window at a time: the positions that one shard of every level covers.
    while (start < positionEnd && found.length <= limit) {
      let end = positionEnd;
      const shards = [top];
      for (let level = 1; level <= top.levels; level++) {
        const address = shardCovering(start, level);
        end = Math.min(end, shardRange(address).end);
        shards.push(await shardAt(address));
      }
      const window = [...mergeShards(shards).members]
        .filter(([, entry]) => isLive(entry))
        .map(([member]) => positioned(member))
        .filter((m) => m.position >= start && m.position < end)
        .filter((m) => after === undefined || comparePositions(m, after) > 0)
        .sort(comparePositions);
      found.push(...window.slice(0, limit + 1 - found.length));
      start = end;
    }
    return { members: found.slice(0, limit), more: found.length > limit };
  }

  /** Resolves when no write is queued or running. */
  idle(): Promise<void> {
    return this.shards.idle();
  }

  private async read(name: string, address: ShardAddress, call?: CallOptions) {
    return (await this.shards.read(storageKey(name, address), call)) ?? emptyShard;
  }

  /** Reads the root and, for every member, the shard of each level that covers it. */
  private async locate(name: string, members: readonly string[]): Promise<Located> {
    const top = await this.read(name, root);
    const shards: Located["shards"] = new Map([["", { address: root, shard: top }]]);
    const wanted = new Map<string, ShardAddress>();
    const positions = members.map(positioned);
    for (const { position } of positions) {
      for (let level = 1; level <= top.levels; level++) {
        const address = shardCovering(position, level);
        wanted.set(shardName(address), address);
      }
    }
    await mapLimit([...wanted.values()], this.options.concurrency, async (address) => {
      shards.set(shardName(address), { address, shard: await this.read(name, address) });
    });
    const entries: Located["entries"] = new Map();
    for (const { position, member } of positions) {
      const holders = [];
      for (let level = 0; level <= top.levels; level++) {
        const held = shards.get(shardName(shardCovering(position, level)));
        const membership = held?.shard.members.get(member);
        if (held && membership) holders.push({ address: held.address, membership });
      }
      entries.set(member, holders);
    }
    return { root: top, shards, entries };
  }

  /** Writes each shard's changes, then records the shards' new counts in the root. */
  private async write(name: string, plan: Plan): Promise<void> {
    const counts: ShardChange[] = [];
    const rootChanges: ShardChange[] = [];
    await mapLimit([...plan.byShard.values()], this.options.concurrency, async (planned) => {
      if (planned.address.level === 0) {
        rootChanges.push(...planned.changes);
        return;
      }
      const key = storageKey(name, planned.address);
      const written = await Promise.all(planned.changes.map((c) => this.shards.change(key, c)));
      const shard = written.at(-1) ?? emptyShard;
      counts.push({
        kind: "count",
        shard: shardName(planned.address),
        count: liveCount(shard),
        version: this.newVersion(),
      });
    });
    await Promise.all([...rootChanges, ...counts].map((c) => this.shards.change(name, c)));
  }
}

/** Changes grouped by the shard they go to. */
class Plan {
  readonly byShard = new Map<string, { address: ShardAddress; changes: ShardChange[] }>();

  add(address: ShardAddress, change: ShardChange): void {
    const key = shardName(address);
    const entry = this.byShard.get(key) ?? { address, changes: [] };
    entry.changes.push(change);
    this.byShard.set(key, entry);
  }
}

function storageKey(name: string, address: ShardAddress): string {
  return address.level === 0 ? name : `${name}/${shardName(address)}`;
}

/** The set's live members: the root's own and every other shard's last count. */
function countOf(top: MemberShard): number {
  let count = liveCount(top);
  for (const { count: shardCount } of top.counts.values()) count += shardCount;
  return count;
}

function latest<T extends { membership: Membership }>(holders: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const holder of holders) {
    if (!best || holder.membership.version > best.membership.version) best = holder;
  }
  return best;
}
