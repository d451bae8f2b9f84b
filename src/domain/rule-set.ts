import { idAfter } from "./ids.js";
import { type Rule, type RuleSet, ruleToFields } from "./rule.js";

/** One category's latest write: a rule, or a deletion kept as a tombstone. */
export interface RuleEntry {
  /** A KSUID taken at the write; the greatest wins. */
  readonly version: string;
  /** Undefined for a deletion. */
  readonly rule: Rule | undefined;
}

/** Every category's latest entry, deletions included. */
export type RuleEntries = ReadonlyMap<string, RuleEntry>;

/**
 * Merges sibling rule sets per category: the entry with the greatest version
 * wins, so the latest write wins whichever instance made it, and a deletion
 * (kept as a tombstone) is not undone by an older sibling. Two entries of one
 * version (concurrent writes that both superseded the same entry, see
 * {@link applyRuleWrites}) resolve the same way in any order: a deletion
 * wins, else the rule whose fields sort last.
 */
export function mergeRuleEntries(siblings: readonly RuleEntries[]): Map<string, RuleEntry> {
  const merged = new Map<string, RuleEntry>();
  for (const sibling of siblings) {
    for (const [category, entry] of sibling) {
      const current = merged.get(category);
      if (!current || supersedes(entry, current)) merged.set(category, entry);
    }
  }
  return merged;
}

function supersedes(entry: RuleEntry, other: RuleEntry): boolean {
  if (entry.version !== other.version) return entry.version > other.version;
  if (!entry.rule || !other.rule) return !entry.rule && !!other.rule;
  return ruleOrderKey(entry.rule) > ruleOrderKey(other.rule);
}

function ruleOrderKey(rule: Rule): string {
  return JSON.stringify(ruleToFields(rule));
}

/** One category's rule written, or deleted (`rule` undefined), with a fresh version. */
export interface RuleWrite extends RuleEntry {
  readonly category: string;
}

/**
 * Applies writes in order to the entries they read. Each supersedes the
 * entry it read: when its version does not sort after that entry's (the
 * instance that wrote the entry has a clock ahead of this one's), it takes
 * the next version after it. Otherwise a write made after another
 * instance's could lose to it, and its caller be told it succeeded.
 */
export function applyRuleWrites(
  entries: RuleEntries,
  writes: readonly RuleWrite[],
): Map<string, RuleEntry> {
  const applied = new Map(entries);
  for (const { category, version, rule } of writes) {
    const read = applied.get(category)?.version;
    const superseding = read === undefined || version > read ? version : idAfter(read);
    applied.set(category, { version: superseding, rule });
  }
  return applied;
}

/** The live rules, without tombstones. */
export function activeRules(entries: RuleEntries): RuleSet {
  const rules = new Map<string, Rule>();
  for (const [category, entry] of entries) if (entry.rule) rules.set(category, entry.rule);
  return rules;
}
