/** A parsed rollup duration: a count of one unit. */
export interface Duration {
  readonly count: number;
  readonly unit: DurationUnit;
}

/** The units a rule's `max_duration` may use. */
export type DurationUnit = "millisecond" | "second" | "minute" | "hour" | "day";

const unitMs: Readonly<Record<DurationUnit, number>> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

// Every spelling accepted (contract §3.4), case-sensitive like the predecessor.
const unitNames: Readonly<Record<string, DurationUnit>> = {
  ms: "millisecond",
  millisecond: "millisecond",
  milliseconds: "millisecond",
  s: "second",
  second: "second",
  seconds: "second",
  m: "minute",
  min: "minute",
  mins: "minute",
  minute: "minute",
  minutes: "minute",
  h: "hour",
  hour: "hour",
  hours: "hour",
  d: "day",
  day: "day",
  days: "day",
};

const durationPattern = /^(\d{1,15}) ?([a-z]+)$/;

/** The grammar, for error messages. */
export const durationGrammar =
  '<n><unit> or <n> <unit>, unit one of ms, millisecond(s), s, second(s), m, min(s), minute(s), h, hour(s), d, day(s), such as "12 hours" or "3m"';

/** Parses `12 hours`, `12hours` or `3m`; undefined when the text is not a duration. */
export function parseDuration(text: string): Duration | undefined {
  const match = durationPattern.exec(text);
  if (!match) return undefined;
  const unit = unitNames[match[2] ?? ""];
  if (!unit) return undefined;
  return { count: Number(match[1]), unit };
}

/** The canonical form: `3 minutes`, `1 hour`. */
export function formatDuration(duration: Duration): string {
  return `${duration.count} ${duration.unit}${duration.count === 1 ? "" : "s"}`;
}

/** The duration in milliseconds. */
export function durationMs(duration: Duration): number {
  return duration.count * unitMs[duration.unit];
}
