import { effectiveMark, type InboxState, type StateFlag, stateFlags } from "./inbox-state.js";
import type { StoredNotification } from "./notification.js";

/** Notifications whose flag now has `value`, as a resumed stream replays them. */
export interface StateOutcome {
  readonly flag: StateFlag;
  readonly value: boolean;
  /** Oldest first. */
  readonly ids: readonly string[];
}

/**
 * What changed in the notifications' states after `since`: each notification
 * whose read or archived state was last decided by a change with a later
 * version, grouped by flag and value. The outcome is replayed rather than the
 * changes: a mark-all whose filter depends on state cannot be applied again
 * by a client that missed what came between, and a state keeps only each
 * notification's latest mark. A client that applies these to what it held
 * at `since` holds what storage holds.
 *
 * @param notifications the notifications the client may hold (the list).
 */
export function stateChangedSince(
  state: InboxState,
  notifications: readonly StoredNotification[],
  since: string,
): StateOutcome[] {
  const groups = new Map<string, { flag: StateFlag; value: boolean; ids: string[] }>();
  for (let i = notifications.length - 1; i >= 0; i--) {
    const n = notifications[i] as StoredNotification;
    for (const flag of stateFlags) {
      const mark = effectiveMark(state, flag, n);
      if (!mark || mark.version <= since) continue;
      const key = `${flag}:${mark.value}`;
      const group = groups.get(key);
      if (group) group.ids.push(n.id);
      else groups.set(key, { flag, value: mark.value, ids: [n.id] });
    }
  }
  return [...groups.values()];
}
