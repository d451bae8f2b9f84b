import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { parseDuration } from "../domain/duration.js";
import type { Rule } from "../domain/rule.js";
import { ruleToFields } from "../domain/rule.js";
import type { RuleEntries, RuleEntry } from "../domain/rule-set.js";
import {
  type RuleRecord,
  RuleRecordSchema,
  RuleSetRecordSchema,
} from "../gen/notification/storage/v1/records_pb.js";
import { StorageCorruptionError } from "./errors.js";

/** Encodes the rule set as bucket `rules` stores it (protobuf, tombstones included). */
export function encodeRuleEntries(entries: RuleEntries): Uint8Array {
  const rules: Record<string, RuleRecord> = {};
  for (const [category, entry] of entries) {
    rules[category] = create(RuleRecordSchema, {
      version: entry.version,
      deleted: !entry.rule,
      ...(entry.rule && ruleToFields(entry.rule)),
    });
  }
  return toBinary(RuleSetRecordSchema, create(RuleSetRecordSchema, { rules }));
}

/** Decodes one stored sibling of the rule set. */
export function decodeRuleEntries(bytes: Uint8Array): Map<string, RuleEntry> {
  let rules: Record<string, RuleRecord>;
  try {
    rules = fromBinary(RuleSetRecordSchema, bytes).rules;
  } catch (cause) {
    throw new StorageCorruptionError("the stored rule set is not a valid protobuf value", {
      cause,
    });
  }
  const entries = new Map<string, RuleEntry>();
  for (const [category, record] of Object.entries(rules)) {
    entries.set(category, {
      version: record.version,
      rule: record.deleted ? undefined : toRule(record),
    });
  }
  return entries;
}

function toRule(record: RuleRecord): Rule {
  const rule: {
    maxSize?: number;
    maxDuration?: NonNullable<Rule["maxDuration"]>;
    matchOn?: string;
  } = {};
  if (record.maxSize !== undefined) rule.maxSize = record.maxSize;
  const duration = record.maxDuration === undefined ? undefined : parseDuration(record.maxDuration);
  if (duration) rule.maxDuration = duration;
  if (record.matchOn) rule.matchOn = record.matchOn;
  return rule;
}
