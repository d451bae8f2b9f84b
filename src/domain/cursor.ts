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

/** The key of a user's cursor in bucket `cursors` (the seed's format). */
export function cursorKey(username: string): string {
  return `${username}-notifications`;
}

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
