import type { InboxItem } from "./notification.js";
import { newestFirst } from "./notification.js";
import { maxDurationMs, type Rule, type RuleSet } from "./rule.js";

/** An open rollup group: its head and the members it has taken so far. */
interface Group {
  readonly head: InboxItem;
  readonly members: InboxItem[];
  readonly maxSize: number;
  readonly maxDurationMs: number | undefined;
}

/** A group that older notifications could still join: not full, not closed by its duration. */
export interface OpenGroup {
  readonly headId: string;
  readonly headCreatedAt: number;
  /** The rule's `max_duration` in ms; undefined when it has none. */
  readonly maxDurationMs: number | undefined;
}

/** A partition rolled up, and which of its groups are still open. */
export interface Rollup {
  /** Each group's head carrying the others, ordered by head id. */
  readonly items: InboxItem[];
  readonly open: readonly OpenGroup[];
}

/**
 * Rolls up one partition (all unseen, or all seen) by the rules, as contract
 * §4.4 says: newest first, each notification joins the first open group of its
 * category that accepts it, else opens a group with itself as head. A group
 * accepts a notification while it holds fewer than `max_size` (head included),
 * when the notification is no newer than the head and at most `max_duration`
 * older, and, with `match_on`, when both carry that property with equal
 * values. Returns each group's head carrying the others, ordered by head id.
 *
 * @param partition the notifications, newest first, without children.
 */
export function rollUp(partition: readonly InboxItem[], rules: RuleSet): InboxItem[] {
  return rollUpOpen(partition, rules).items;
}

/**
 * {@link rollUp}, also telling which groups older notifications could still
 * join. Rolling up proceeds newest first, so rolling up the newest part of a
 * partition forms exactly the groups that rolling up all of it forms, less
 * what older notifications would add to the open ones: what a page read from
 * the newest notifications of an inbox must know before it is final.
 */
export function rollUpOpen(partition: readonly InboxItem[], rules: RuleSet): Rollup {
  if (rules.size === 0) return { items: [...partition], open: [] };
  // Open groups by category and match value: a group can only take members
  // that share both, so each lookup is one short list, oldest-opened first.
  const open = new Map<string, Group[]>();
  const heads: Group[] = [];
  for (const item of partition) {
    const rule = rules.get(item.category);
    if (!rule) {
      heads.push(singleton(item));
      continue;
    }
    const matchKey = groupKey(item, rule);
    const candidates = matchKey === undefined ? undefined : open.get(matchKey);
    const group = candidates && takeFirstAccepting(candidates, item);
    if (group) {
      group.members.push(item);
      if (group.members.length + 1 >= group.maxSize && candidates) remove(candidates, group);
      continue;
    }
    const opened = openGroup(item, rule);
    heads.push(opened);
    // A head without the match property accepts nothing (contract §4.4), and
    // a group of size 1 is full at once: neither stays open.
    if (matchKey !== undefined && opened.maxSize > 1) {
      const list = open.get(matchKey);
      if (list) list.push(opened);
      else open.set(matchKey, [opened]);
    }
  }
  const stillOpen = [...open.values()].flat().map((group) => ({
    headId: group.head.id,
    headCreatedAt: group.head.createdAt,
    maxDurationMs: group.maxDurationMs,
  }));
  return { items: heads.map(toItem).sort(newestFirst), open: stillOpen };
}

/** The key of the groups an item may join or open; undefined when it can open none that accept. */
function groupKey(item: InboxItem, rule: Rule): string | undefined {
  if (rule.matchOn === undefined) return `${item.category}\u0000`;
  const value = item.properties[rule.matchOn];
  return value === undefined ? undefined : `${item.category}\u0000${value}`;
}

/**
 * The first open group that accepts the item. Groups whose head is already
 * more than `max_duration` newer can accept nothing older either, so they are
 * closed on the way.
 */
function takeFirstAccepting(groups: Group[], item: InboxItem): Group | undefined {
  for (let i = 0; i < groups.length; ) {
    const group = groups[i] as Group;
    const age = group.head.createdAt - item.createdAt;
    if (group.maxDurationMs !== undefined && age > group.maxDurationMs) {
      groups.splice(i, 1);
      continue;
    }
    if (age >= 0) return group;
    i++;
  }
  return undefined;
}

function openGroup(head: InboxItem, rule: Rule): Group {
  return {
    head,
    members: [],
    maxSize: rule.maxSize ?? Number.POSITIVE_INFINITY,
    maxDurationMs: maxDurationMs(rule),
  };
}

function singleton(head: InboxItem): Group {
  return { head, members: [], maxSize: 1, maxDurationMs: undefined };
}

function remove(groups: Group[], group: Group): void {
  const index = groups.indexOf(group);
  if (index >= 0) groups.splice(index, 1);
}

function toItem(group: Group): InboxItem {
  if (group.members.length === 0) return group.head;
  return { ...group.head, children: group.members };
}
