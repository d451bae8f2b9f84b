import {
  type Duration,
  durationGrammar,
  durationMs,
  formatDuration,
  parseDuration,
} from "./duration.js";
import { ValidationError } from "./validation-error.js";

/** How notifications of one category roll up (contract §4.4). At least one field is set. */
export interface Rule {
  /** The most notifications a group holds, counting its head; at least 1. */
  readonly maxSize?: number;
  /** How much older than the head a member may be. */
  readonly maxDuration?: Duration;
  /** A property every member shares with the head. */
  readonly matchOn?: string;
}

/** Rules by category. */
export type RuleSet = ReadonlyMap<string, Rule>;

/** A rule as a caller sends it: fields not yet checked. */
export interface RuleInput {
  readonly maxSize?: number | undefined;
  readonly maxDuration?: string | undefined;
  readonly matchOn?: string | undefined;
}

/** The exact message of contract §3.4 for a rule with no field. */
export const emptyRuleMessage =
  "Rule must contain at least one of: max_size, max_duration, or match_on";

/** Checks a rule as sent by a caller and returns it parsed; `match_on: ""` counts as absent. */
export function parseRule(input: RuleInput): Rule {
  const rule: { maxSize?: number; maxDuration?: Duration; matchOn?: string } = {};
  if (input.maxSize !== undefined) {
    if (!Number.isInteger(input.maxSize) || input.maxSize < 1) {
      throw new ValidationError("max_size", `max_size must be at least 1 (got ${input.maxSize})`);
    }
    rule.maxSize = input.maxSize;
  }
  if (input.maxDuration !== undefined) {
    const duration = parseDuration(input.maxDuration);
    if (!duration) {
      throw new ValidationError(
        "max_duration",
        `max_duration ${JSON.stringify(input.maxDuration)} is not a duration: use ${durationGrammar}`,
      );
    }
    rule.maxDuration = duration;
  }
  if (input.matchOn) rule.matchOn = input.matchOn;
  if (rule.maxSize === undefined && !rule.maxDuration && !rule.matchOn) {
    throw new ValidationError("rule", emptyRuleMessage);
  }
  return rule;
}

/** A rule's fields as the API and storage messages carry them (proto3: `match_on` "" when absent). */
export interface RuleFields {
  readonly maxSize?: number;
  /** Canonical, such as `12 hours`. */
  readonly maxDuration?: string;
  readonly matchOn: string;
}

/** The rule as the API answers it and storage keeps it: `max_duration` in canonical form. */
export function ruleToFields(rule: Rule): RuleFields {
  return {
    ...(rule.maxSize !== undefined && { maxSize: rule.maxSize }),
    ...(rule.maxDuration && { maxDuration: formatDuration(rule.maxDuration) }),
    matchOn: rule.matchOn ?? "",
  };
}

/** The rule's duration limit in milliseconds, or undefined when it has none. */
export function maxDurationMs(rule: Rule): number | undefined {
  return rule.maxDuration && durationMs(rule.maxDuration);
}
