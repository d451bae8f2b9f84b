import { defaultConfig } from "../../src/config/config-schema.js";
import { upkeep } from "../../src/domain/head-upkeep.js";
import { createIdGenerator } from "../../src/domain/ids.js";
import { buildInbox } from "../../src/domain/inbox.js";
import { applyChanges, type InboxChange } from "../../src/domain/inbox-changes.js";
import { emptyHead, type InboxHead, mergeHeads } from "../../src/domain/inbox-head.js";
import { pageFromNewest } from "../../src/domain/inbox-page.js";
import { InboxView } from "../../src/domain/inbox-view.js";
import type { StoredNotification } from "../../src/domain/notification.js";
import { parseRule, type RuleSet } from "../../src/domain/rule.js";
import { decodeHead, encodeHead } from "../../src/storage/head-codec.js";
import { decodeSegment, encodeSegment } from "../../src/storage/segment-codec.js";
import { type Figure, loadFigure } from "../figure.js";
import { benchRules, notificationRequest } from "../fixtures.js";
import { runLoad } from "../load-loop.js";
import type { Scenario } from "../scenario.js";

const size = 1000;
const options = { retention: size, headLimit: defaultConfig.storage.head_limit };

/**
 * The pure functions of the hot paths on a full inbox (1,000 notifications
 * created one by one: a head and its segments as the service leaves them),
 * one call at a time in process: decoding and encoding the head and the
 * largest segment, merging heads, applying a create with the upkeep, the
 * first page from the head, and building the whole inbox (flags and
 * rollups, three rules). A create costs roughly decode + merge + apply +
 * upkeep + encode of the head; a first page without rules, decode + merge +
 * page.
 */
export const microScenario: Scenario = {
  id: "micro",
  async run(context) {
    const [next, ...stored] = notifications(size + 1);
    const { head, segments } = grow(stored);
    const bytes = encodeHead(head);
    const largest = [...segments.values()].sort((a, b) => b.length - a.length)[0] ?? [];
    const segmentBytes = encodeSegment(largest);
    const older = { ...head, notifications: head.notifications.slice(5) };
    const cursor = stored[size / 2]?.id;
    const rules = ruleSet();
    const add: InboxChange[] = [{ kind: "add", notification: next as StoredNotification }];
    const write = (current: InboxHead) => {
      const applied = applyChanges(current, add, size);
      const plan = upkeep(current, applied, add, segments, options, createIdGenerator());
      return plan.kind === "ready" ? encodeHead(plan.head) : undefined;
    };
    const functions: Record<string, () => unknown> = {
      decodeHead: () => decodeHead(bytes),
      encodeHead: () => encodeHead(head),
      [`decodeSegment (${largest.length} items)`]: () => decodeSegment(segmentBytes),
      "mergeHeads, 1 sibling": () => mergeHeads([head], size),
      "mergeHeads, 2 siblings": () => mergeHeads([head, older], size),
      "applyChanges + upkeep, 1 add": () => write(head),
      [`buildInbox, 3 rules, ${size} items`]: () => buildInbox(stored, cursor, rules),
      "read path (decode, merge, first page, no rules)": () =>
        pageFromNewest(
          new InboxView(mergeHeads([decodeHead(bytes)], size), size).known(),
          cursor,
          new Map(),
          { inclusive: true },
          20,
        ),
      "write path (decode, merge, apply, upkeep, encode)": () =>
        write(mergeHeads([decodeHead(bytes)], size)),
    };
    const load = {
      concurrency: 1,
      durationMs: context.load.durationMs / 3,
      warmupMs: context.load.warmupMs / 3,
    };
    const figures: Figure[] = [];
    for (const [name, fn] of Object.entries(functions)) {
      const result = await runLoad(async () => fn(), load);
      figures.push({
        ...loadFigure(`micro: ${name}, full inbox`, result),
        extra: { usPerCall: 1e6 / result.opsPerSecond },
      });
    }
    return figures;
  },
};

/** The head and segments a full inbox has after its notifications were created one by one. */
function grow(newestFirst: readonly StoredNotification[]) {
  const segments = new Map<string, readonly StoredNotification[]>();
  const newKey = createIdGenerator();
  let head = emptyHead;
  for (const notification of [...newestFirst].reverse()) {
    const change: InboxChange[] = [{ kind: "add", notification }];
    const plan = upkeep(head, applyChanges(head, change, size), change, segments, options, newKey);
    if (plan.kind !== "ready") throw new Error("every segment is at hand");
    for (const segment of plan.write) segments.set(segment.ref.key, segment.notifications);
    for (const key of plan.drop) segments.delete(key);
    head = plan.head;
  }
  return { head, segments };
}

/** The bench's notifications as the service stores them, ids a second apart, newest first. */
function notifications(count: number): StoredNotification[] {
  let clock = Date.now() - count * 1000;
  const newId = createIdGenerator(() => clock);
  const made: StoredNotification[] = [];
  for (let i = 0; i < count; i++) {
    clock += 1000;
    const { category = "", message = "", properties = {} } = notificationRequest("micro", i);
    made.push({ id: newId(), category, message, createdAt: clock, properties });
  }
  return made.reverse();
}

function ruleSet(): RuleSet {
  const rules = new Map();
  for (const { category = "", rule = {} } of benchRules) rules.set(category, parseRule(rule));
  return rules;
}
