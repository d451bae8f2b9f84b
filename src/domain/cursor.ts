/**
 * A user's cursor (contract §4.3): the newest notification the user has been
 * shown, and the cursor value the latest first page was flagged with, so that
 * later pages roll up and flag exactly as the first page did.
 */
export interface Cursor {
  /** The id of the newest notification shown; "" when none. */
  readonly value: string;
  /** The value before the latest first-page listing moved it. */
  readonly previous: string;
}

/**
 * A change to a cursor: a first page showing `newestId` was flagged with
 * `flaggedWith` (the cursor value it read); the user saw everything up to
 * `upTo` (`MarkNotificationsSeen`, which leaves the grouping of a listing in
 * progress alone); or a delete-all removes the cursor.
 */
export type CursorChange =
  | { readonly kind: "shown"; readonly newestId: string; readonly flaggedWith: string }
  | { readonly kind: "seen"; readonly upTo: string }
  | { readonly kind: "remove" };

/** Siblings resolve to the greatest cursor value: the cursor never moves back. */
export function mergeCursors(siblings: readonly Cursor[]): Cursor | undefined {
  let best: Cursor | undefined;
  for (const c of siblings) {
    if (!best || c.value > best.value || (c.value === best.value && c.previous > best.previous)) {
      best = c;
    }
  }
  return best;
}

/**
 * Applies queued changes in order. A first page moves the cursor forward
 * only, and records what it was flagged with; a seen move goes forward only
 * and keeps what the latest first page was flagged with (a new cursor pages
 * by its value); a removal leaves no cursor (undefined), which a later first
 * page starts again.
 */
export function applyCursorChanges(
  current: Cursor | undefined,
  changes: readonly CursorChange[],
): Cursor | undefined {
  let cursor = current;
  for (const change of changes) {
    if (change.kind === "remove") {
      cursor = undefined;
      continue;
    }
    if (change.kind === "seen") {
      if (!cursor) cursor = { value: change.upTo, previous: change.upTo };
      else if (change.upTo > cursor.value) cursor = { ...cursor, value: change.upTo };
      continue;
    }
    const value = cursor && cursor.value > change.newestId ? cursor.value : change.newestId;
    cursor = { value, previous: change.flaggedWith };
  }
  return cursor;
}
