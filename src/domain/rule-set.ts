import type { Rule, RuleSet } from "./rule.js";

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
 * (kept as a tombstone) is not undone by an older sibling.
 */
export function mergeRuleEntries(siblings: readonly RuleEntries[]): Map<string, RuleEntry> {
  const merged = new Map<string, RuleEntry>();
  for (const sibling of siblings) {
    for (const [category, entry] of sibling) {
      const current = merged.get(category);
      if (!current || entry.version > current.version) merged.set(category, entry);
    }
  }
  return merged;
}

/** The live rules, without tombstones. */
export function activeRules(entries: RuleEntries): RuleSet {
  const rules = new Map<string, Rule>();
  for (const [category, entry] of entries) if (entry.rule) rules.set(category, entry.rule);
  return rules;
}
