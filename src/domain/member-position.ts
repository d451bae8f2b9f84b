// A member set spreads its members over shards by a hash of each member: its
// position, a 32-bit number. Level 0 is one shard, the root, covering every
// position; level L has 2^L shards, shard i covering the positions whose top
// L bits are i. A member sits in one shard of some level; whoever looks for
// it reads the one shard of each level that covers its position. Members are
// ordered by position, then by name: the order in which sets are listed and
// jobs walk them, stable while members come and go.

/** Positions run from 0 to this, exclusive. */
export const positionEnd = 2 ** 32;

/** The deepest level a set may grow to: 2^16 shards. */
export const maxLevels = 16;

/** A member and where it sorts. */
export interface MemberPosition {
  readonly position: number;
  readonly member: string;
}

/** One shard of a set. */
export interface ShardAddress {
  readonly level: number;
  readonly index: number;
}

/**
 * The member's position: 32-bit FNV-1a over its UTF-16 code units, then
 * MurmurHash3's finalizer, so that the top bits (which pick the shards) are
 * spread evenly. Cheap, since a job walking a big set hashes every member of
 * the shards it reads, and fixed forever: stored sets depend on it.
 */
export function memberPosition(member: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < member.length; i++) {
    hash ^= member.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** The member and its position. */
export function positioned(member: string): MemberPosition {
  return { position: memberPosition(member), member };
}

/** Orders members by position, then by name. */
export function comparePositions(a: MemberPosition, b: MemberPosition): number {
  if (a.position !== b.position) return a.position - b.position;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

/** The shard of `level` that covers `position`. */
export function shardCovering(position: number, level: number): ShardAddress {
  return { level, index: level === 0 ? 0 : Math.floor(position / 2 ** (32 - level)) };
}

/** The positions a shard covers: from `start` to `end`, exclusive. */
export function shardRange(shard: ShardAddress): { start: number; end: number } {
  const width = 2 ** (32 - shard.level);
  return { start: shard.index * width, end: (shard.index + 1) * width };
}

/** The shard's name within its set: empty for the root, else `<level>/<index>`. */
export function shardName(shard: ShardAddress): string {
  return shard.level === 0 ? "" : `${shard.level}/${shard.index}`;
}

/** A position in a walk over a set, as text: the position in hex, a colon, the member. */
export function encodeMemberCursor(at: MemberPosition): string {
  return `${at.position.toString(16).padStart(8, "0")}:${at.member}`;
}

/** Reads {@link encodeMemberCursor}'s text; undefined when it is not one. */
export function decodeMemberCursor(text: string): MemberPosition | undefined {
  const match = /^([0-9a-f]{8}):(.+)$/s.exec(text);
  if (!match?.[1] || match[2] === undefined) return undefined;
  return { position: Number.parseInt(match[1], 16), member: match[2] };
}
