/** A member's latest change in a shard of a member set. */
export interface Membership {
  /** A KSUID taken at the change; the greatest wins. */
  readonly version: string;
  /** A removal, kept as a tombstone so that an older sibling cannot bring the member back. */
  readonly removed: boolean;
}

/** A shard's live member count, as the write that counted it saw it. */
export interface ShardCount {
  /** A KSUID taken at the counting write; the greatest wins. */
  readonly version: string;
  readonly count: number;
}

/**
 * One storage object of a member set (topic subscribers, the key index, the
 * active jobs): each member's latest change. The root shard of a set also
 * says how deep its levels go and how many live members each other shard
 * holds, so that a set's size is one read.
 */
export interface MemberShard {
  readonly members: ReadonlyMap<string, Membership>;
  /** Root only: the deepest level in use (0: the root is the only shard). */
  readonly levels: number;
  /** Root only: by shard name (`<level>/<index>`). */
  readonly counts: ReadonlyMap<string, ShardCount>;
}

/** One change to a shard, as queued by callers and applied in one write. */
export type ShardChange =
  | {
      readonly kind: "member";
      readonly member: string;
      readonly removed: boolean;
      readonly version: string;
    }
  | { readonly kind: "levels"; readonly levels: number }
  /** Drops the removals older than `before` (a KSUID): only a sibling that stale could undo them. */
  | { readonly kind: "prune"; readonly before: string }
  | {
      readonly kind: "count";
      readonly shard: string;
      readonly count: number;
      readonly version: string;
    };

/** The shard with nothing in it. */
export const emptyShard: MemberShard = Object.freeze({
  members: new Map<string, Membership>(),
  levels: 0,
  counts: new Map<string, ShardCount>(),
});

/**
 * Merges siblings: per member the change with the greatest version (a
 * removal on a tie), the deepest level, per shard the latest count. Merging
 * is commutative, associative and idempotent.
 */
export function mergeShards(siblings: readonly MemberShard[]): MemberShard {
  const members = new Map<string, Membership>();
  const counts = new Map<string, ShardCount>();
  let levels = 0;
  for (const sibling of siblings) {
    for (const [member, entry] of sibling.members) {
      const current = members.get(member);
      if (!current || wins(entry, current)) members.set(member, entry);
    }
    for (const [shard, count] of sibling.counts) {
      const current = counts.get(shard);
      if (!current || countWins(count, current)) counts.set(shard, count);
    }
    if (sibling.levels > levels) levels = sibling.levels;
  }
  return { members, levels, counts };
}

/**
 * Applies queued changes in order, each only where it is newer than what the
 * shard holds (so a change read late cannot undo a later one). Returns
 * `shard` itself when nothing changed.
 */
export function applyShardChanges(
  shard: MemberShard,
  changes: readonly ShardChange[],
): MemberShard {
  let members: Map<string, Membership> | undefined;
  let counts: Map<string, ShardCount> | undefined;
  let levels = shard.levels;
  for (const change of changes) {
    if (change.kind === "member") {
      const entry = { version: change.version, removed: change.removed };
      const current = (members ?? shard.members).get(change.member);
      if (current && !wins(entry, current)) continue;
      members ??= new Map(shard.members);
      members.set(change.member, entry);
    } else if (change.kind === "count") {
      const entry = { version: change.version, count: change.count };
      const current = (counts ?? shard.counts).get(change.shard);
      if (current && !countWins(entry, current)) continue;
      counts ??= new Map(shard.counts);
      counts.set(change.shard, entry);
    } else if (change.kind === "prune") {
      for (const [member, entry] of members ?? shard.members) {
        if (!entry.removed || entry.version >= change.before) continue;
        members ??= new Map(shard.members);
        members.delete(member);
      }
    } else if (change.levels > levels) {
      levels = change.levels;
    }
  }
  if (!members && !counts && levels === shard.levels) return shard;
  return { members: members ?? shard.members, levels, counts: counts ?? shard.counts };
}

/** True when the membership makes its member part of the set. */
export function isLive(entry: Membership | undefined): boolean {
  return entry !== undefined && !entry.removed;
}

/** The shard's live members. */
export function liveCount(shard: MemberShard): number {
  let count = 0;
  for (const entry of shard.members.values()) if (!entry.removed) count++;
  return count;
}

function wins(entry: Membership, other: Membership): boolean {
  if (entry.version !== other.version) return entry.version > other.version;
  return entry.removed && !other.removed;
}

function countWins(entry: ShardCount, other: ShardCount): boolean {
  if (entry.version !== other.version) return entry.version > other.version;
  return entry.count > other.count;
}
