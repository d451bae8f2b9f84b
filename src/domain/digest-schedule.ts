import { type EmailChoice, weekdays } from "./preferences.js";
import {
  addDays,
  formatDate,
  instantOf,
  isoWeekday,
  type LocalDate,
  type LocalTime,
  localAt,
} from "./time-zone.js";

/** When a user's digests are due: a local time, daily or on one weekday. */
export interface DigestSchedule {
  readonly frequency: "daily" | "weekly";
  readonly time: LocalTime;
  /** Weekly digests: the ISO day of the week, 1 (Monday) to 7 (Sunday). */
  readonly weekday: number;
  /** A canonical IANA time zone. */
  readonly timeZone: string;
}

/**
 * One scheduled digest. Its period is the local date it falls on, so a
 * wall-clock time that occurs twice (clocks going back) is still one period,
 * and a time skipped (clocks going forward) is still due once that day.
 */
export interface Occurrence {
  /** The local date, `YYYY-MM-DD`: at most one digest per period. */
  readonly period: string;
  /** When it is due, in ms since the Unix epoch. */
  readonly dueAt: number;
}

/** The schedule of a user's email settings; undefined when digests are off. */
export function scheduleOf(email: EmailChoice): DigestSchedule | undefined {
  if (email.digest === "off") return undefined;
  const [hour = 0, minute = 0] = email.time.split(":").map(Number);
  return {
    frequency: email.digest,
    time: { hour, minute },
    weekday: weekdays.indexOf(email.weekday) + 1,
    timeZone: email.timeZone,
  };
}

/** The nominal length of a period: a day, or a week. */
export function periodLengthMs(schedule: DigestSchedule): number {
  return (schedule.frequency === "daily" ? 1 : 7) * 86_400_000;
}

/** The occurrence on `date` (the schedule's time that day, in its zone). */
export function occurrenceOn(schedule: DigestSchedule, date: LocalDate): Occurrence {
  return { period: formatDate(date), dueAt: instantOf(date, schedule.time, schedule.timeZone) };
}

/** The latest occurrence due at or before `now`. */
export function latestOccurrence(schedule: DigestSchedule, now: number): Occurrence {
  const step = schedule.frequency === "daily" ? 1 : 7;
  let date = onOrBefore(schedule, localAt(now, schedule.timeZone));
  // A skipped time can move a date's occurrence past midnight into the next
  // date, so the date of `now` may still be ahead: step back until due.
  for (;;) {
    const occurrence = occurrenceOn(schedule, date);
    if (occurrence.dueAt <= now) return occurrence;
    date = addDays(date, -step);
  }
}

/** The first occurrence due after `instant`. */
export function nextOccurrence(schedule: DigestSchedule, instant: number): Occurrence {
  const step = schedule.frequency === "daily" ? 1 : 7;
  // From the latest one due, forward: the first that is later is the next.
  let date = onOrBefore(schedule, localAt(instant, schedule.timeZone));
  for (;;) {
    const occurrence = occurrenceOn(schedule, date);
    if (occurrence.dueAt > instant) {
      const previous = occurrenceOn(schedule, addDays(date, -step));
      return previous.dueAt > instant ? previous : occurrence;
    }
    date = addDays(date, step);
  }
}

/** The latest date on or before `date` that the schedule has an occurrence on. */
function onOrBefore(schedule: DigestSchedule, date: LocalDate): LocalDate {
  if (schedule.frequency === "daily") return date;
  return addDays(date, -((isoWeekday(date) - schedule.weekday + 7) % 7));
}
