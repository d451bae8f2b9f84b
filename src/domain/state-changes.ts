import { idAfter } from "./ids.js";
import {
  effectiveMark,
  effectiveState,
  greatestWatermarks,
  type IdMarks,
  type InboxState,
  latestVersion,
  type StateFlag,
  stateFlags,
  type Watermark,
  watermarkCovers,
} from "./inbox-state.js";
import type { StoredNotification } from "./notification.js";
import { matchesState, type NotificationFilter } from "./notification-filter.js";

/**
 * What a state change knows of the user's list, read before it: which
 * notifications exist (a mark-all's reach, and its exclusions), and which
 * ids are gone for good (their marks are dropped). A `NotificationList` is one.
 */
export interface ListFacts {
  /** Newest first. */
  readonly notifications: readonly StoredNotification[];
  readonly deletedIds: ReadonlySet<string>;
  /** Everything at or below this id was deleted; "" when never. */
  readonly clearedUpTo: string;
}

/** One change to a user's state, as queued by a caller and applied in one write. */
export type StateChange =
  | {
      /** Marks the ids, which the list read held, `value`. */
      readonly kind: "mark";
      readonly flag: StateFlag;
      readonly ids: readonly string[];
      readonly value: boolean;
      /** A fresh KSUID of the handling instance. */
      readonly version: string;
      readonly list: ListFacts;
    }
  | {
      /** Marks true every notification up to `upTo` that matches `filter` now. */
      readonly kind: "mark-all";
      readonly flag: StateFlag;
      readonly filter: NotificationFilter;
      /** From {@link markAllBound}; "" marks nothing. */
      readonly upTo: string;
      readonly version: string;
      readonly list: ListFacts;
    };

/** Watermarks kept per flag; older ones are folded into marks by id. */
export const maxWatermarks = 32;

/**
 * How far a mark-all reaches: the newest id it read, but never above its own
 * fresh id, so that a notification created after the request (a greater id,
 * whenever the instances' clocks agree) stays unmarked. "" when the list is
 * empty. The delete-all's mark is chosen the same way.
 */
export function markAllBound(list: ListFacts, freshId: string): string {
  const newest = list.notifications[0]?.id ?? "";
  return newest < freshId ? newest : freshId;
}

/**
 * Applies queued changes in order, then keeps the state bounded.
 *
 * Versions: each change takes its fresh version, or the one after the
 * greatest version in the state when that is not smaller (another instance's
 * clock is ahead), so a change always supersedes what it read: the later
 * change wins whichever clock is ahead.
 *
 * A mark-all adds a watermark that reaches by id and content; what its filter
 * says of state (the inbox or archive view, read or unread) is settled now:
 * each notification it reaches that does not match in its current state, and
 * whose flag the watermark would change, gets a mark by id with the
 * watermark's version and its current value, which wins the tie. So a later
 * archive or unarchive does not change what a mark-all-read marked.
 *
 * Bounds: marks of ids that are gone (deleted, cleared, aged out) are
 * dropped, and so are marks a later watermark overrides; watermarks another
 * supersedes are dropped, and past {@link maxWatermarks} per flag the oldest
 * is folded into marks by id on the notifications it decides. With at most
 * `retention` marks by id, the state stays bounded by the retention limit.
 */
export function applyStateChanges(
  current: InboxState,
  changes: readonly StateChange[],
  retention: number,
): InboxState {
  const marks = new Map<string, IdMarks>(current.marks);
  const watermarks: { [F in StateFlag]: Watermark[] } = {
    read: [...current.watermarks.read],
    archived: [...current.watermarks.archived],
  };
  const state: InboxState = { marks, watermarks };
  let clock = latestVersion(current);
  for (const change of changes) {
    const version = change.version > clock ? change.version : idAfter(clock);
    clock = version;
    if (change.kind === "mark") {
      for (const id of change.ids)
        setMark(marks, id, change.flag, { value: change.value, version });
    } else if (change.upTo !== "") {
      const added: Watermark = { upTo: change.upTo, version, filter: change.filter };
      for (const n of change.list.notifications) {
        if (!watermarkCovers(added, n)) continue;
        const now = effectiveState(state, n);
        if (!matchesState(change.filter, now) && !now[change.flag]) {
          setMark(marks, n.id, change.flag, { value: false, version });
        }
      }
      watermarks[change.flag].push(added);
    }
  }
  const list = changes.at(-1)?.list;
  if (list) compact(state, marks, watermarks, list, retention);
  return state;
}

function setMark(
  marks: Map<string, IdMarks>,
  id: string,
  flag: StateFlag,
  mark: { value: boolean; version: string },
) {
  marks.set(id, { ...marks.get(id), [flag]: mark });
}

function compact(
  state: InboxState,
  marks: Map<string, IdMarks>,
  watermarks: { [F in StateFlag]: Watermark[] },
  list: ListFacts,
  retention: number,
): void {
  const gone = goneTest(list, retention);
  for (const id of [...marks.keys()]) if (gone(id, true)) marks.delete(id);
  for (const flag of stateFlags) {
    watermarks[flag] = greatestWatermarks(watermarks[flag].filter((w) => !gone(w.upTo, false)));
    while (watermarks[flag].length > maxWatermarks) foldOldest(state, watermarks, flag, list);
  }
  dropOverridden(state, marks, list);
  boundMarks(marks, list, retention);
}

/**
 * Ids gone for good: at or below the delete-all mark, aged out of a full list
 * (below its oldest), or, for a notification rather than a watermark's bound,
 * tombstoned. Gone stays gone, so a stale read of the list never drops the
 * mark of a notification that exists.
 */
function goneTest(list: ListFacts, retention: number): (id: string, byId: boolean) => boolean {
  const { notifications, deletedIds, clearedUpTo } = list;
  const full = notifications.length >= retention;
  const oldest = notifications.at(-1)?.id ?? "";
  return (id, byId) => id <= clearedUpTo || (full && id < oldest) || (byId && deletedIds.has(id));
}

/**
 * Drops the oldest watermark of a flag after giving each listed notification
 * whose flag it decides a mark by id with its version: the state of every
 * notification the list holds stays as it was.
 */
function foldOldest(
  state: InboxState,
  watermarks: { [F in StateFlag]: Watermark[] },
  flag: StateFlag,
  list: ListFacts,
): void {
  const all = watermarks[flag];
  const oldest = all.reduce((a, b) => (b.version < a.version ? b : a));
  const marks = state.marks as Map<string, IdMarks>;
  for (const n of list.notifications) {
    const decided = effectiveMark(state, flag, n);
    if (decided?.value === true && decided.version === oldest.version) {
      setMark(marks, n.id, flag, { value: true, version: oldest.version });
    }
  }
  watermarks[flag] = all.filter((w) => w !== oldest);
}

/** Drops each mark by id that a newer covering watermark overrides: it decides nothing. */
function dropOverridden(state: InboxState, marks: Map<string, IdMarks>, list: ListFacts): void {
  for (const n of list.notifications) {
    const own = marks.get(n.id);
    if (!own) continue;
    let next: IdMarks = own;
    for (const flag of stateFlags) {
      const mark = own[flag];
      if (!mark) continue;
      const overridden = state.watermarks[flag].some(
        (w) => w.version > mark.version && watermarkCovers(w, n),
      );
      if (overridden) {
        const { [flag]: _, ...others } = next;
        next = others;
      }
    }
    if (next === own) continue;
    if (next.read || next.archived) marks.set(n.id, next);
    else marks.delete(n.id);
  }
}

/**
 * Past `retention` marks, those of ids the list does not hold go first,
 * oldest first: marks are only ever set on listed ids, so these are ids that
 * left the list while no state write saw them go.
 */
function boundMarks(marks: Map<string, IdMarks>, list: ListFacts, retention: number): void {
  if (marks.size <= retention) return;
  const listed = new Set(list.notifications.map((n) => n.id));
  const unlisted = [...marks.keys()].filter((id) => !listed.has(id)).sort();
  for (const id of unlisted) {
    if (marks.size <= retention) return;
    marks.delete(id);
  }
}
