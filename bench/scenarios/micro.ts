import { createIdGenerator } from "../../src/domain/ids.js";
import { buildInbox } from "../../src/domain/inbox.js";
import type { StoredNotification } from "../../src/domain/notification.js";
import {
  applyChanges,
  mergeLists,
  type NotificationList,
} from "../../src/domain/notification-list.js";
import { parseRule, type RuleSet } from "../../src/domain/rule.js";
import { decodeList, encodeList } from "../../src/storage/list-codec.js";
import { type Figure, loadFigure } from "../figure.js";
import { benchRules, notificationRequest } from "../fixtures.js";
import { runLoad } from "../load-loop.js";
import type { Scenario } from "../scenario.js";

const size = 1000;

/**
 * The pure functions of the hot paths on a full list (1,000 notifications),
 * one call at a time in process: decoding and encoding the stored list,
 * merging siblings, applying a create, and building the inbox (flags and
 * rollups, three rules). What a create costs is roughly
 * decode + merge + apply + encode; a list, decode + merge + inbox.
 */
export const microScenario: Scenario = {
  id: "micro",
  async run(context) {
    const [next, ...stored] = notifications(size + 1);
    const list: NotificationList = {
      notifications: stored,
      deletedIds: new Set(),
      clearedUpTo: "",
    };
    const bytes = encodeList(list);
    const older = { ...list, notifications: stored.slice(10) };
    const cursor = stored[size / 2]?.id;
    const rules = ruleSet();
    const add = [{ kind: "add", notification: next as StoredNotification }] as const;
    const functions: Record<string, () => unknown> = {
      decodeList: () => decodeList(bytes),
      encodeList: () => encodeList(list),
      "mergeLists, 1 sibling": () => mergeLists([list], size),
      "mergeLists, 2 siblings": () => mergeLists([list, older], size),
      "applyChanges, 1 add": () => applyChanges(list, add, size),
      "buildInbox, 3 rules": () => buildInbox(list.notifications, cursor, rules),
      "read path (decode, merge, inbox)": () =>
        buildInbox(mergeLists([decodeList(bytes)], size).notifications, cursor, rules),
      "write path (decode, merge, apply, encode)": () =>
        encodeList(applyChanges(mergeLists([decodeList(bytes)], size), add, size)),
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
        ...loadFigure(`micro: ${name}, ${size} items`, result),
        extra: { usPerCall: 1e6 / result.opsPerSecond },
      });
    }
    return figures;
  },
};

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
