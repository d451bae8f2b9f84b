import type { StoredNotification } from "./notification.js";
import {
  contentCovers,
  filterFingerprint,
  matchesContent,
  type NotificationFilter,
  type NotificationState,
} from "./notification-filter.js";

/** The two states a user sets on a notification (contract §7.1). */
export type StateFlag = "read" | "archived";

/** Both flags, in the order events and records list them. */
export const stateFlags: readonly StateFlag[] = ["read", "archived"];

/** One flag's value on one notification, set by the change with this version. */
export interface Mark {
  readonly value: boolean;
  /** A KSUID taken when the change was handled: the greatest wins. */
  readonly version: string;
}

/** One notification's marks by id; a flag never marked by id is absent. */
export type IdMarks = { readonly [F in StateFlag]?: Mark };

/**
 * A mark-all: every notification with an id up to `upTo` whose content
 * matches `filter` (categories and properties) is marked true at `version`.
 * The part of the filter that depends on state (read, archived) was resolved
 * when the change was handled: notifications it excluded got a mark by id
 * with the same version, which wins the tie (see `applyStateChanges`).
 */
export interface Watermark {
  readonly upTo: string;
  readonly version: string;
  /** The filter the mark-all was asked with, normalized. */
  readonly filter: NotificationFilter;
}

/**
 * A user's read and archived marks (contract §7.6): by id, and by watermark
 * for each flag. The seen cursor is a record of its own.
 */
export interface InboxState {
  readonly marks: ReadonlyMap<string, IdMarks>;
  readonly watermarks: { readonly [F in StateFlag]: readonly Watermark[] };
}

/** The state of a user who never marked anything. */
export const emptyState: InboxState = Object.freeze({
  marks: new Map<string, IdMarks>(),
  watermarks: Object.freeze({ read: Object.freeze([]), archived: Object.freeze([]) }),
});

/**
 * Merges siblings: per id and flag the mark with the greatest version, and
 * per flag the watermarks no other one supersedes. Both are the greatest
 * elements of a union under an order, so the merge is commutative,
 * associative and idempotent: any instance may merge any siblings in any
 * order, any number of times, and reach the same state.
 */
export function mergeStates(siblings: readonly InboxState[]): InboxState {
  const marks = new Map<string, IdMarks>();
  for (const sibling of siblings) {
    for (const [id, own] of sibling.marks) {
      const current = marks.get(id);
      marks.set(id, current ? mergeIdMarks(current, own) : own);
    }
  }
  return {
    marks,
    watermarks: {
      read: greatestWatermarks(siblings.flatMap((s) => s.watermarks.read)),
      archived: greatestWatermarks(siblings.flatMap((s) => s.watermarks.archived)),
    },
  };
}

function mergeIdMarks(a: IdMarks, b: IdMarks): IdMarks {
  const read = laterMark(a.read, b.read);
  const archived = laterMark(a.archived, b.archived);
  return { ...(read && { read }), ...(archived && { archived }) };
}

/**
 * The later of two marks: the greater version; of one version (two
 * instances that both took the version after the same one), `true`, so
 * every instance resolves the tie alike.
 */
export function laterMark(a: Mark | undefined, b: Mark | undefined): Mark | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.version !== b.version) return a.version > b.version ? a : b;
  return a.value ? a : b;
}

/**
 * True when `a` makes `b` redundant: it covers every notification `b` covers
 * (content, ids) at a version no older. Of two that supersede each other
 * (one version, same reach), the one with the smaller fingerprint stays.
 */
function supersedes(a: Watermark, b: Watermark): boolean {
  const over = (x: Watermark, y: Watermark) =>
    x.upTo >= y.upTo && x.version >= y.version && contentCovers(x.filter, y.filter);
  if (!over(a, b)) return false;
  return !over(b, a) || watermarkKey(a) < watermarkKey(b);
}

function watermarkKey(w: Watermark): string {
  return `${w.version}\u0000${w.upTo}\u0000${filterFingerprint(w.filter)}`;
}

/** The watermarks no other one supersedes, each once, in a canonical order. */
export function greatestWatermarks(all: readonly Watermark[]): Watermark[] {
  const unique = new Map<string, Watermark>();
  for (const w of all) unique.set(watermarkKey(w), w);
  const candidates = [...unique.values()];
  return candidates
    .filter((w) => !candidates.some((other) => other !== w && supersedes(other, w)))
    .sort((a, b) => (watermarkKey(a) < watermarkKey(b) ? -1 : 1));
}

/** Whether a watermark reaches a notification: its id is at or below the mark, its content matches. */
export function watermarkCovers(w: Watermark, n: StoredNotification): boolean {
  return n.id <= w.upTo && matchesContent(w.filter, n);
}

/**
 * A flag's effective mark on a notification: the latest of its mark by id
 * and the watermarks that cover it (a mark by id wins a tie, which is how a
 * mark-all's exclusions hold); undefined when nothing ever marked it.
 */
export function effectiveMark(
  state: InboxState,
  flag: StateFlag,
  n: StoredNotification,
): Mark | undefined {
  let best = state.marks.get(n.id)?.[flag];
  for (const w of state.watermarks[flag]) {
    if ((best === undefined || w.version > best.version) && watermarkCovers(w, n)) {
      best = { value: true, version: w.version };
    }
  }
  return best;
}

/** A notification's read and archived states (false when never marked). */
export function effectiveState(state: InboxState, n: StoredNotification): NotificationState {
  return {
    read: effectiveMark(state, "read", n)?.value ?? false,
    archived: effectiveMark(state, "archived", n)?.value ?? false,
  };
}

/** The greatest version in the state; "" when empty. */
export function latestVersion(state: InboxState): string {
  let latest = "";
  for (const marks of state.marks.values()) {
    for (const flag of stateFlags) {
      const version = marks[flag]?.version;
      if (version !== undefined && version > latest) latest = version;
    }
  }
  for (const flag of stateFlags) {
    for (const w of state.watermarks[flag]) if (w.version > latest) latest = w.version;
  }
  return latest;
}
