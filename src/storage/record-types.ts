import { type Cursor, mergeCursors } from "../domain/cursor.js";
import {
  applyChanges,
  emptyList,
  type ListChange,
  mergeLists,
  type NotificationList,
} from "../domain/notification-list.js";
import type { Rule } from "../domain/rule.js";
import { applyRuleWrites, mergeRuleEntries, type RuleEntry } from "../domain/rule-set.js";
import { decodeCursor, encodeCursor } from "./cursor-codec.js";
import { decodeList, encodeList } from "./list-codec.js";
import type { RecordType } from "./resolving-store.js";
import { decodeRuleEntries, encodeRuleEntries } from "./rule-codec.js";

/** A user's notification list: bucket `notifications`, key = username. */
export function notificationListType(retention: number): RecordType<NotificationList, ListChange> {
  return {
    bucket: "notifications",
    decode: decodeList,
    encode: (_key, list) => encodeList(list),
    merge: (siblings) => mergeLists(siblings, retention),
    apply: (current, changes) => applyChanges(current ?? emptyList, changes, retention),
    // A delete-all's mark is the newest id it read: what its read missed would survive it.
    readPurpose: (changes) =>
      changes.some((change) => change.kind === "clear") ? "complete" : "update",
  };
}

/** A change to a cursor: a first page was shown, or the cursor is removed. */
export type CursorChange =
  | { readonly kind: "shown"; readonly newestId: string; readonly flaggedWith: string }
  | { readonly kind: "remove" };

/** A user's cursor: bucket `cursors`, key `<username>-notifications`, JSON value. */
export const cursorType: RecordType<Cursor, CursorChange> = {
  bucket: "cursors",
  decode: decodeCursor,
  encode: encodeCursor,
  merge: mergeCursors,
  apply(current, changes) {
    let cursor = current;
    for (const change of changes) {
      if (change.kind === "remove") {
        cursor = undefined;
        continue;
      }
      const value = cursor && cursor.value > change.newestId ? cursor.value : change.newestId;
      cursor = { value, previous: change.flaggedWith };
    }
    return cursor;
  },
  // A delete-all's removal deletes what its read found, so it reads every copy.
  readPurpose: (changes) =>
    changes.some((change) => change.kind === "remove") ? "complete" : "update",
};

/** A change to the rule set: one category's rule written or deleted. */
export interface RuleChange {
  readonly category: string;
  readonly version: string;
  /** Undefined deletes the category's rule. */
  readonly rule: Rule | undefined;
}

/** The rule set: bucket `rules`, key `rules`, merged per category. */
export const ruleSetType: RecordType<ReadonlyMap<string, RuleEntry>, RuleChange> = {
  bucket: "rules",
  decode: decodeRuleEntries,
  encode: (_key, entries) => encodeRuleEntries(entries),
  merge: (siblings) => mergeRuleEntries(siblings),
  apply: (current, changes) => applyRuleWrites(current ?? new Map(), changes),
};
