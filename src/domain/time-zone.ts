/** A calendar date, as a wall calendar shows it. */
export interface LocalDate {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  /** 1 to 31. */
  readonly day: number;
}

/** A wall-clock time of day, to the minute. */
export interface LocalTime {
  /** 0 to 23. */
  readonly hour: number;
  /** 0 to 59. */
  readonly minute: number;
}

const dayMs = 86_400_000;

// IANA names are letters, digits and _ + - /; Intl also takes UTC offsets
// such as "+01:00", which are not zones with rules and are refused here.
const zoneNamePattern = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

// Building a formatter is slow next to using one; there are a few hundred
// canonical zone names, and only those are kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The canonical name of an IANA time zone (`europe/berlin` gives
 * `Europe/Berlin`), or undefined when `name` is not one the runtime knows.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!zoneNamePattern.test(name)) return undefined;
  try {
    // Not cached under `name`: only canonical names are, so that spellings of
    // one zone (or made-up names) cannot grow the cache.
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The wall-clock date and time in `zone` at `instantMs` (ms since the Unix epoch). */
export function localAt(instantMs: number, zone: string): LocalDate & LocalTime {
  const fields: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(instantMs)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 0,
    month: fields.month ?? 0,
    day: fields.day ?? 0,
    hour: fields.hour ?? 0,
    minute: fields.minute ?? 0,
  };
}

/**
 * The instant at which the wall clock in `zone` shows `date` at `time`. A time
 * that occurs twice (the hour repeated when clocks go back) gives the first
 * occurrence; a time that does not occur (skipped when clocks go forward)
 * gives the instant the skipped span ends plus the same distance, as clocks
 * read it after the change: 02:30 on a day that jumps from 02:00 to 03:00 is
 * 03:30. Either way one wall-clock time maps to exactly one instant.
 */
export function instantOf(date: LocalDate, time: LocalTime, zone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  // A zone changes its offset at most once within a day either side, so the
  // offsets of the day before and the day after are the only candidates.
  const before = offsetAt(wall - dayMs, zone);
  const after = offsetAt(wall + dayMs, zone);
  const matches = [wall - before, wall - after].filter((instant) => {
    const local = localAt(instant, zone);
    return (
      local.year === date.year &&
      local.month === date.month &&
      local.day === date.day &&
      local.hour === time.hour &&
      local.minute === time.minute
    );
  });
  // No match: a skipped time, read with the offset from before the change.
  return matches.length === 0 ? wall - before : Math.min(...matches);
}

/** The date `days` after `date` (negative: before). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * dayMs);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

/** The ISO day of the week of `date`: 1 for Monday to 7 for Sunday. */
export function isoWeekday(date: LocalDate): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return day === 0 ? 7 : day;
}

/** `YYYY-MM-DD`: sorts as the dates do. */
export function formatDate(date: LocalDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** How far `zone`'s wall clock is ahead of UTC at `instantMs`, in ms. */
function offsetAt(instantMs: number, zone: string): number {
  const local = localAt(instantMs, zone);
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The formatter shows whole minutes: compare with the instant's minute.
  return wall - Math.floor(instantMs / 60_000) * 60_000;
}

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}
