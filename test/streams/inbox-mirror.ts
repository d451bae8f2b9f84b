import {
  type Notification,
  type NotificationFilter,
  ReadFilter,
} from "../../src/gen/notification/v1/notification_pb.js";
import type { InboxCounts, SubscribeResponse } from "../../src/gen/notification/v1/stream_pb.js";

/** A notification's state as a client holds it. */
export interface MirroredState {
  readonly read: boolean;
  readonly archived: boolean;
}

/**
 * What a client that applies every stream event holds (contract §7.5): the
 * notifications with their read and archived states, the cursor, and the
 * counts of the latest event. Tests compare it with what storage answers.
 */
export class InboxMirror {
  readonly items = new Map<string, Notification>();
  cursor = "";
  counts: { total: number; unseen: number; unread: number } | undefined;
  /** True once a state event said the client must re-list. */
  resync = false;

  apply(response: SubscribeResponse): void {
    const { event } = response;
    switch (event.case) {
      case "state":
        this.counts = {
          total: event.value.totalCount,
          unseen: event.value.unseenCount,
          unread: event.value.unreadCount,
        };
        this.cursor = event.value.cursor;
        this.resync ||= event.value.resync;
        return;
      case "notification":
        this.items.set(event.value.id, event.value);
        break;
      case "deleted":
        for (const id of event.value.ids) this.items.delete(id);
        break;
      case "cleared":
        for (const id of [...this.items.keys()]) {
          if (id <= event.value.upTo || event.value.ids.includes(id)) this.items.delete(id);
        }
        this.cursor = "";
        break;
      case "read":
        this.set(event.value.ids, { read: event.value.read });
        break;
      case "archived":
        this.set(event.value.ids, { archived: event.value.archived });
        break;
      case "readAll":
        this.setAll(event.value.upTo, event.value.filter, { read: true });
        break;
      case "archivedAll":
        this.setAll(event.value.upTo, event.value.filter, { archived: true });
        break;
      case "seen":
        if (event.value.cursor > this.cursor) this.cursor = event.value.cursor;
        break;
    }
    if (response.counts) this.counts = plainCounts(response.counts);
  }

  /** Each held notification's state, by id. */
  states(): Map<string, MirroredState> {
    return new Map([...this.items].map(([id, n]) => [id, { read: n.read, archived: n.archived }]));
  }

  private set(ids: readonly string[], change: Partial<MirroredState>): void {
    for (const id of ids) {
      const held = this.items.get(id);
      if (held) this.items.set(id, { ...held, ...change });
    }
  }

  private setAll(
    upTo: string,
    filter: NotificationFilter | undefined,
    change: Partial<MirroredState>,
  ) {
    for (const [id, n] of this.items) {
      if (id <= upTo && selects(filter, n)) this.items.set(id, { ...n, ...change });
    }
  }
}

function plainCounts(counts: InboxCounts) {
  return { total: counts.total, unseen: counts.unseen, unread: counts.unread };
}

/** Whether a filter selects a notification in its held state. */
function selects(filter: NotificationFilter | undefined, n: Notification): boolean {
  if (n.archived !== (filter?.archived ?? false)) return false;
  if (filter?.read === ReadFilter.UNREAD && n.read) return false;
  if (filter?.read === ReadFilter.READ && !n.read) return false;
  if (filter?.categories.length && !filter.categories.includes(n.category)) return false;
  return Object.entries(filter?.properties ?? {}).every(([k, v]) => n.properties[k] === v);
}
