// Random inbox operations for the counts property tests (contract §7.4):
// what fast-check generates, how an operation runs against a service, and
// the invariant it checks afterwards.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import fc from "fast-check";
import { expect } from "vitest";
import {
  type NotificationFilterSchema,
  type NotificationService,
  ReadFilter,
} from "../../src/gen/notification/v1/notification_pb.js";
import type { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import type { TestApp } from "../support/test-app.js";

type Filter = MessageInitShape<typeof NotificationFilterSchema>;

const categories = ["like", "comment", "mention"] as const;

/** The filters every check lists and counts with. */
export const checkedFilters: readonly Filter[] = [
  {},
  { archived: true },
  { read: ReadFilter.UNREAD },
  { read: ReadFilter.READ },
  { categories: ["like"] },
  { categories: ["like", "comment"], read: ReadFilter.UNREAD },
  { properties: { post: "a" } },
  { archived: true, read: ReadFilter.READ, categories: ["mention", "comment"] },
];

/** Filters a mark-all may be sent with. */
const markFilter: fc.Arbitrary<Filter | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...checkedFilters),
);

/** Picks notifications by position in the stored list, so operations reach ids that exist. */
const picks = fc.array(fc.nat(40), { minLength: 1, maxLength: 3 });

/** One operation; `pick` positions are taken modulo the user's list when it runs. */
export type InboxOp =
  | { op: "create"; category: number; post: "a" | "b" }
  | { op: "delete"; picks: number[] }
  | { op: "delete-all" }
  | { op: "read" | "unread" | "archive" | "unarchive"; picks: number[] }
  | { op: "read-all" | "archive-all"; filter: Filter | undefined }
  | { op: "seen"; pick: number | undefined }
  | { op: "list-first-page" }
  | { op: "put-rule" | "delete-rule"; category: number };

/** Operations weighted like an inbox's life: mostly creates and marks. */
export const inboxOp: fc.Arbitrary<InboxOp> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant("create" as const),
      category: fc.nat(2),
      post: fc.constantFrom("a" as const, "b" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("delete" as const), picks }) },
  { weight: 1, arbitrary: fc.constant({ op: "delete-all" as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constantFrom(
        "read" as const,
        "unread" as const,
        "archive" as const,
        "unarchive" as const,
      ),
      picks,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom("read-all" as const, "archive-all" as const),
      filter: markFilter,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("seen" as const),
      pick: fc.option(fc.nat(40), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "list-first-page" as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom("put-rule" as const, "delete-rule" as const),
      category: fc.nat(2),
    }),
  },
);

/** What an operation runs against: one service instance. */
export interface Target {
  readonly notifications: Client<typeof NotificationService>;
  readonly rules: Client<typeof RuleService>;
  /** The user's stored ids, newest first, read without moving the cursor. */
  storedIds(username: string): Promise<string[]>;
}

/** An in-memory app as a target; stored ids are read from its repositories. */
export function appTarget(t: TestApp): Target {
  return {
    notifications: t.notifications,
    rules: t.rules,
    storedIds: async (username) =>
      (await (await t.app.deps.repositories.inboxes.read(username)).all()).notifications.map(
        (n) => n.id,
      ),
  };
}

const rules = [{ maxSize: 3 }, { matchOn: "post" }, { maxDuration: "1 hour", maxSize: 4 }] as const;

/** Runs one operation for `username` through `target`. */
export async function runOp(target: Target, username: string, op: InboxOp): Promise<void> {
  const { notifications } = target;
  const pickIds = async (positions: readonly number[]) => {
    const ids = await target.storedIds(username);
    // An empty list still sends an id: an unknown one, which is ignored.
    return positions.map((p) => ids[p % Math.max(1, ids.length)] ?? "3MSDMaZFJru4jl5eZivcZ2xoxeW");
  };
  switch (op.op) {
    case "create":
      await notifications.createNotification({
        username,
        category: categories[op.category] ?? "like",
        message: `a ${categories[op.category]}`,
        properties: { post: op.post },
      });
      return;
    case "delete":
      await notifications.deleteNotifications({ username, ids: await pickIds(op.picks) });
      return;
    case "delete-all":
      await notifications.deleteNotifications({ username, all: true });
      return;
    case "read":
      await notifications.markNotificationsRead({ username, ids: await pickIds(op.picks) });
      return;
    case "unread":
      await notifications.markNotificationsUnread({ username, ids: await pickIds(op.picks) });
      return;
    case "archive":
      await notifications.archiveNotifications({ username, ids: await pickIds(op.picks) });
      return;
    case "unarchive":
      await notifications.unarchiveNotifications({ username, ids: await pickIds(op.picks) });
      return;
    case "read-all":
      await notifications.markNotificationsRead({
        username,
        all: true,
        ...(op.filter && { filter: op.filter }),
      });
      return;
    case "archive-all":
      await notifications.archiveNotifications({
        username,
        all: true,
        ...(op.filter && { filter: op.filter }),
      });
      return;
    case "seen": {
      const upTo = op.pick === undefined ? "" : ((await pickIds([op.pick]))[0] ?? "");
      await notifications.markNotificationsSeen({ username, upTo });
      return;
    }
    case "list-first-page":
      await notifications.listNotifications({ username });
      return;
    case "put-rule":
      await target.rules.putRule({
        category: categories[op.category] ?? "like",
        rule: rules[op.category] ?? {},
      });
      return;
    case "delete-rule":
      await target.rules.deleteRule({ category: categories[op.category] ?? "like" });
  }
}

/** Counts as paging a filter's list returns them: items, unseen, unread. */
export async function pagedCounts(
  target: Target,
  username: string,
  filter: Filter,
  pageSize: number,
): Promise<{ total: number; unseen: number; unread: number }> {
  const counts = { total: 0, unseen: 0, unread: 0 };
  let pageToken = "";
  for (let pages = 0; pages < 1000; pages++) {
    const page = await target.notifications.listNotifications({
      username,
      filter,
      pageSize,
      pageToken,
    });
    for (const item of page.notifications) {
      counts.total++;
      if (item.unseen) counts.unseen++;
      if (!item.read) counts.unread++;
    }
    pageToken = page.nextPageToken;
    if (pageToken === "") return counts;
  }
  throw new Error("paging did not end");
}

/**
 * The invariant of contract §7.4: for every checked filter, the counts equal
 * what paging the list returns. The unfiltered inbox view's first page moves
 * the cursor, so it is paged in one page first, and the later counts use
 * the moved cursor.
 */
export async function expectCountsMatchPaging(target: Target, username: string, pageSize: number) {
  const { notifications } = target;
  const before = await notifications.countNotifications({ username });
  const onePage = await pagedCounts(target, username, {}, 1000);
  expect(onePage, "the inbox view in one page").toEqual(pick(before));
  for (const filter of checkedFilters) {
    const counted = await notifications.countNotifications({ username, filter });
    const paged = await pagedCounts(target, username, filter, pageSize);
    expect(paged, `filter ${JSON.stringify(filter)}, pages of ${pageSize}`).toEqual(pick(counted));
  }
}

function pick(c: { total: number; unseen: number; unread: number }) {
  return { total: c.total, unseen: c.unseen, unread: c.unread };
}
