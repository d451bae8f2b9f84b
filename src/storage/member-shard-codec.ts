import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { MemberShard, Membership, ShardCount } from "../domain/member-shard.js";
import {
  type MemberRecord,
  MemberRecordSchema,
  MemberShardRecordSchema,
  type ShardCountRecord,
  ShardCountRecordSchema,
} from "../gen/notification/storage/v1/producer_records_pb.js";
import { StorageCorruptionError } from "./errors.js";

/** Encodes a shard of a member set as buckets `topics`, `keys` and `jobs` store it (protobuf). */
export function encodeShard(shard: MemberShard): Uint8Array {
  const members: Record<string, MemberRecord> = {};
  for (const [member, entry] of shard.members) {
    // "__proto__" is a valid username: it must become an own property, not the prototype.
    Object.defineProperty(members, member, {
      value: create(MemberRecordSchema, entry),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  const counts: Record<string, ShardCountRecord> = {};
  for (const [name, count] of shard.counts) counts[name] = create(ShardCountRecordSchema, count);
  return toBinary(
    MemberShardRecordSchema,
    create(MemberShardRecordSchema, { members, levels: shard.levels, counts }),
  );
}

/** Decodes one stored sibling of a shard. */
export function decodeShard(bytes: Uint8Array): MemberShard {
  try {
    const record = fromBinary(MemberShardRecordSchema, bytes);
    const members = new Map<string, Membership>();
    for (const [member, entry] of Object.entries(record.members)) {
      members.set(member, { version: entry.version, removed: entry.removed });
    }
    const counts = new Map<string, ShardCount>();
    for (const [name, entry] of Object.entries(record.counts)) {
      counts.set(name, { version: entry.version, count: entry.count });
    }
    return { members, levels: record.levels, counts };
  } catch (cause) {
    throw new StorageCorruptionError("a stored member set shard is not a valid protobuf value", {
      cause,
    });
  }
}
