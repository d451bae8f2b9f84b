import {
  applyCursorChanges,
  type Cursor,
  type CursorChange,
  mergeCursors,
} from "../domain/cursor.js";
import {
  applyDigestChanges,
  type DigestChange,
  type DigestState,
  mergeDigestStates,
} from "../domain/digest-state.js";
import type { UpkeepOptions } from "../domain/head-upkeep.js";
import { applyChanges, type InboxChange } from "../domain/inbox-changes.js";
import { emptyHead, type InboxHead, mergeHeads } from "../domain/inbox-head.js";
import { emptyState, type InboxState, mergeStates } from "../domain/inbox-state.js";
import {
  applyPreferenceChanges,
  mergePreferences,
  type PreferencesChange,
  type UserPreferences,
} from "../domain/preferences.js";
import {
  applyRuleWrites,
  mergeRuleEntries,
  type RuleEntries,
  type RuleWrite,
} from "../domain/rule-set.js";
import { applyStateChanges, type StateChange } from "../domain/state-changes.js";
import { decodeCursor, encodeCursor } from "./cursor-codec.js";
import { decodeDigestState, encodeDigestState } from "./digest-codec.js";
import { decodeHead, encodeHead } from "./head-codec.js";
import { headWriter } from "./head-writer.js";
import { decodePreferences, encodePreferences } from "./preference-codec.js";
import type { RecordType } from "./resolving-store.js";
import { decodeRuleEntries, encodeRuleEntries } from "./rule-codec.js";
import { decodeSlot, decodeWatermark, encodeSlot, encodeWatermark } from "./schedule-codec.js";
import type { SegmentStore } from "./segment-store.js";
import { decodeState, encodeState } from "./state-codec.js";

// The storage layout (contract §5): which bucket and key holds what, and how
// each record is encoded. Only the repositories use it.

/**
 * The head of a user's inbox: bucket `notifications`, key = username; its
 * sealed segments in bucket `segments` (docs/storage.md). Copies with one
 * idempotency key created within `idempotencyWindowMs` collapse to one.
 *
 * @param newKey issues a unique segment key.
 */
export function inboxHeadType(
  options: UpkeepOptions & { readonly idempotencyWindowMs: number },
  segments: SegmentStore,
  newKey: () => string,
): RecordType<InboxHead, InboxChange> {
  const write = headWriter(segments, options, newKey);
  return {
    bucket: "notifications",
    decode: decodeHead,
    encode: (_key, head) => encodeHead(head),
    merge: (siblings) => mergeHeads(siblings, options.retention, options.idempotencyWindowMs),
    apply: (current, changes) => applyChanges(current ?? emptyHead, changes, options.retention),
    prepare: (key, current, next, changes) => write(key, current, next, changes),
    // A delete-all's mark is the newest id it read: what its read missed would survive it.
    readPurpose: (changes) =>
      changes.some((change) => change.kind === "clear") ? "complete" : "update",
  };
}

/** The key of a user's cursor in bucket `cursors` (the seed's format). */
export function cursorKey(username: string): string {
  return `${username}-notifications`;
}

/** A user's cursor: bucket `cursors`, key {@link cursorKey}, JSON value. */
export const cursorType: RecordType<Cursor, CursorChange> = {
  bucket: "cursors",
  decode: decodeCursor,
  encode: encodeCursor,
  merge: mergeCursors,
  apply: applyCursorChanges,
  // A delete-all's removal deletes what its read found, so it reads every copy.
  readPurpose: (changes) =>
    changes.some((change) => change.kind === "remove") ? "complete" : "update",
};

/** The key of the one rule set object in bucket `rules`. */
export const ruleSetKey = "rules";

/** The rule set: bucket `rules`, key {@link ruleSetKey}, merged per category. */
export const ruleSetType: RecordType<RuleEntries, RuleWrite> = {
  bucket: "rules",
  decode: decodeRuleEntries,
  encode: (_key, entries) => encodeRuleEntries(entries),
  merge: (siblings) => mergeRuleEntries(siblings),
  apply: (current, changes) => applyRuleWrites(current ?? new Map(), changes),
};

/**
 * A user's read and archived state: bucket `states`, key = username, merged
 * per id and watermark (see `mergeStates`). Kept apart from the list, so
 * that a reader's marks never contend with a producer's creates.
 */
export function inboxStateType(retention: number): RecordType<InboxState, StateChange> {
  return {
    bucket: "states",
    decode: decodeState,
    encode: (_key, state) => encodeState(state),
    merge: (siblings) => (siblings.length === 0 ? undefined : mergeStates(siblings)),
    apply: (current, changes) => applyStateChanges(current ?? emptyState, changes, retention),
  };
}

/**
 * A user's preferences: bucket `preferences`, key = username. A change
 * replaces the whole record; siblings resolve to the greatest version.
 */
export const preferencesType: RecordType<UserPreferences, PreferencesChange> = {
  bucket: "preferences",
  decode: decodePreferences,
  encode: (_key, preferences) => encodePreferences(preferences),
  merge: mergePreferences,
  apply: applyPreferenceChanges,
};

/** A user's digest state and lease: bucket `digests`, key = username. */
export const digestStateType: RecordType<DigestState, DigestChange> = {
  bucket: "digests",
  decode: decodeDigestState,
  encode: (_key, state) => encodeDigestState(state),
  merge: mergeDigestStates,
  apply: applyDigestChanges,
};

/** The key of the schedule index's slot for `shard` of the UTC hour `hour`. */
export function scheduleSlotKey(hour: number, shard: number): string {
  return `${hour}/${shard}`;
}

/** One entry of a schedule slot added or removed. */
export interface SlotChange {
  readonly kind: "add" | "remove";
  readonly entry: string;
}

/**
 * One slot of the schedule index: bucket `digest-schedule`, key
 * {@link scheduleSlotKey}, a set of entries merged by union (an entry removed
 * beside a sibling that still has it comes back, which readers tolerate). An
 * emptied slot is deleted.
 */
export const scheduleSlotType: RecordType<ReadonlySet<string>, SlotChange> = {
  bucket: "digest-schedule",
  decode: decodeSlot,
  encode: (_key, entries) => encodeSlot(entries),
  merge: (siblings) =>
    siblings.length === 0 ? undefined : new Set(siblings.flatMap((entries) => [...entries])),
  apply: (current, changes) => {
    const entries = new Set(current);
    for (const { kind, entry } of changes) {
      if (kind === "add") entries.add(entry);
      else entries.delete(entry);
    }
    return entries.size === 0 ? undefined : entries;
  },
};

/** The key of the schedule's watermark in bucket `digest-schedule`. */
export const watermarkKey = "watermark";

/** The schedule's watermark: the hour below which every slot was scanned; merged by maximum. */
export const watermarkType: RecordType<number, number> = {
  bucket: "digest-schedule",
  decode: decodeWatermark,
  encode: (_key, hour) => encodeWatermark(hour),
  merge: (siblings) => (siblings.length === 0 ? undefined : Math.max(...siblings)),
  apply: (current, hours) => Math.max(current ?? 0, ...hours),
};
