import { effectiveState } from "../domain/inbox-state.js";
import type { InboxEvent } from "../streams/inbox-event.js";
import type { InboxSnapshot } from "./read-inbox.js";

/**
 * An event as a live stream sends it, settled against the inbox read after
 * it: a mark by id carries each notification's state as storage now holds
 * it, not the value the request asked for, so that marks made at once
 * through two instances (whose events may arrive in either order) leave
 * every stream with the state storage settled on. Ids no longer stored are
 * left out (their deletion has its own event); other events pass unchanged.
 */
export function settleEvent(event: InboxEvent, snapshot: InboxSnapshot): InboxEvent[] {
  if (event.kind !== "marked") return [event];
  const wanted = new Set(event.ids);
  const byValue = new Map<boolean, string[]>();
  for (const n of snapshot.list.notifications) {
    if (!wanted.has(n.id)) continue;
    const value = effectiveState(snapshot.state, n)[event.flag];
    const ids = byValue.get(value);
    if (ids) ids.push(n.id);
    else byValue.set(value, [n.id]);
  }
  return [...byValue].map(([value, ids]) => ({ ...event, value, ids: ids.reverse() }));
}
