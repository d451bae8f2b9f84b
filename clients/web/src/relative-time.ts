// Each unit, and from how many of it the next unit takes over.
const units: readonly (readonly [Intl.RelativeTimeFormatUnit, number, number])[] = [
  // unit, its length in seconds, shown below this many of it
  ["minute", 60, 59.5],
  ["hour", 3600, 23.5],
  ["day", 86_400, 6.5],
  ["week", 604_800, 4.5],
];

/**
 * How long ago `thenMs` was, as people say it: "now", "5 minutes ago",
 * "yesterday", "last week"; past four and a half weeks, the date. A time in
 * the future (another machine's clock) reads "now".
 */
export function relativeTime(thenMs: number, nowMs: number, locale?: string): string {
  const seconds = Math.max(0, (nowMs - thenMs) / 1000);
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (seconds < 45) return format.format(0, "second");
  for (const [unit, length, below] of units) {
    const amount = seconds / length;
    if (amount < below) return format.format(-Math.max(1, Math.round(amount)), unit);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(thenMs);
}
