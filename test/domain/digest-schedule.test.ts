import { describe, expect, it } from "vitest";
import {
  type DigestSchedule,
  latestOccurrence,
  nextOccurrence,
  occurrenceOn,
  scheduleOf,
} from "../../src/domain/digest-schedule.js";
import { defaultEmailChoice, type Weekday } from "../../src/domain/preferences.js";
import { canonicalTimeZone } from "../../src/domain/time-zone.js";

const minute = 60_000;
const hour = 60 * minute;

function schedule(
  timeZone: string,
  time: string,
  digest: "daily" | "weekly" = "daily",
  weekday: Weekday = "monday",
): DigestSchedule {
  const s = scheduleOf({ ...defaultEmailChoice, address: "a@b", digest, time, weekday, timeZone });
  if (!s) throw new Error("digests are off");
  return s;
}

const date = (text: string) => {
  const [year = 0, month = 0, day = 0] = text.split("-").map(Number);
  return { year, month, day };
};

describe("occurrenceOn: a local time on a local date, in a zone", () => {
  // [zone, date, time, the instant it is due, why]
  const cases: [string, string, string, string, string][] = [
    ["UTC", "2026-01-01", "00:00", "2026-01-01T00:00:00Z", "no offset"],
    ["Europe/Berlin", "2026-07-01", "09:00", "2026-07-01T07:00:00Z", "summer time, +2"],
    ["Europe/Berlin", "2026-03-29", "02:30", "2026-03-29T01:30:00Z", "skipped: 03:30 CEST"],
    [
      "Europe/Berlin",
      "2026-03-29",
      "03:00",
      "2026-03-29T01:00:00Z",
      "the first time after the gap",
    ],
    ["Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T00:30:00Z", "repeated: the first, CEST"],
    [
      "Europe/Berlin",
      "2026-10-25",
      "03:00",
      "2026-10-25T02:00:00Z",
      "after the repeated hour, CET",
    ],
    ["America/New_York", "2026-03-08", "02:30", "2026-03-08T07:30:00Z", "skipped: 03:30 EDT"],
    ["America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30:00Z", "repeated: the first, EDT"],
    ["Australia/Lord_Howe", "2026-10-04", "02:15", "2026-10-03T15:45:00Z", "half-hour gap: 02:45"],
    [
      "Australia/Lord_Howe",
      "2026-04-05",
      "01:45",
      "2026-04-04T14:45:00Z",
      "half-hour repeat: first",
    ],
    ["Asia/Kolkata", "2026-06-01", "09:00", "2026-06-01T03:30:00Z", "+05:30, no DST"],
    ["Asia/Kathmandu", "2026-06-01", "09:00", "2026-06-01T03:15:00Z", "+05:45"],
    [
      "Pacific/Kiritimati",
      "2026-06-01",
      "00:10",
      "2026-05-31T10:10:00Z",
      "+14: the day before in UTC",
    ],
    [
      "Pacific/Pago_Pago",
      "2026-06-01",
      "23:50",
      "2026-06-02T10:50:00Z",
      "-11: the day after in UTC",
    ],
    ["America/Sao_Paulo", "2018-11-04", "00:30", "2018-11-04T03:30:00Z", "gap at midnight: 01:30"],
  ];

  it.each(cases)("%s %s %s is %s (%s)", (zone, day, time, due) => {
    const occurrence = occurrenceOn(schedule(zone, time), date(day));
    expect(new Date(occurrence.dueAt).toISOString()).toBe(new Date(due).toISOString());
    expect(occurrence.period).toBe(day);
  });
});

/**
 * A worker that looks every `stepMs` from `from` to `to` and sends when the
 * latest occurrence due is a period it has not done: the instants it sent at.
 */
function sendsOver(s: DigestSchedule, from: string, to: string, stepMs = minute): string[] {
  let last = "";
  const sent: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMs) {
    const due = latestOccurrence(s, t);
    if (due.period > last && due.dueAt >= Date.parse(from)) {
      last = due.period;
      sent.push(`${due.period} ${new Date(due.dueAt).toISOString()}`);
    }
  }
  return sent;
}

describe("a scan every minute across time changes sends once per local date", () => {
  // [zone, time, scanned from, to, the sends expected (period, instant), why]
  const cases: [string, string, string, string, string[], string][] = [
    [
      "Europe/Berlin",
      "02:30",
      "2026-03-27T12:00:00Z",
      "2026-03-30T12:00:00Z",
      [
        "2026-03-28 2026-03-28T01:30:00.000Z",
        "2026-03-29 2026-03-29T01:30:00.000Z",
        "2026-03-30 2026-03-30T00:30:00.000Z",
      ],
      "02:30 does not occur on 29 March: once, at 03:30",
    ],
    [
      "Europe/Berlin",
      "02:30",
      "2026-10-23T12:00:00Z",
      "2026-10-26T12:00:00Z",
      [
        "2026-10-24 2026-10-24T00:30:00.000Z",
        "2026-10-25 2026-10-25T00:30:00.000Z",
        "2026-10-26 2026-10-26T01:30:00.000Z",
      ],
      "02:30 occurs twice on 25 October: once, at the first",
    ],
    [
      "America/New_York",
      "01:30",
      "2026-10-30T12:00:00Z",
      "2026-11-02T12:00:00Z",
      [
        "2026-10-31 2026-10-31T05:30:00.000Z",
        "2026-11-01 2026-11-01T05:30:00.000Z",
        "2026-11-02 2026-11-02T06:30:00.000Z",
      ],
      "01:30 repeated on 1 November",
    ],
    [
      "America/New_York",
      "02:30",
      "2026-03-06T12:00:00Z",
      "2026-03-09T12:00:00Z",
      [
        "2026-03-07 2026-03-07T07:30:00.000Z",
        "2026-03-08 2026-03-08T07:30:00.000Z",
        "2026-03-09 2026-03-09T06:30:00.000Z",
      ],
      "02:30 skipped on 8 March",
    ],
    [
      "Australia/Lord_Howe",
      "02:15",
      "2026-10-02T00:00:00Z",
      "2026-10-05T00:00:00Z",
      [
        "2026-10-03 2026-10-02T15:45:00.000Z",
        "2026-10-04 2026-10-03T15:45:00.000Z",
        "2026-10-05 2026-10-04T15:15:00.000Z",
      ],
      "a half-hour gap on 4 October: 02:15 is 02:45, 24 hours after the day before",
    ],
    [
      "Pacific/Apia",
      "09:00",
      "2011-12-28T00:00:00Z",
      "2012-01-01T00:00:00Z",
      [
        "2011-12-28 2011-12-28T19:00:00.000Z",
        "2011-12-29 2011-12-29T19:00:00.000Z",
        "2011-12-31 2011-12-30T19:00:00.000Z",
        "2012-01-01 2011-12-31T19:00:00.000Z",
      ],
      "Samoa skipped 30 December 2011 entirely: no period for it, none sent twice",
    ],
  ];

  it.each(cases)("%s daily at %s, %s to %s", (zone, time, from, to, expected) => {
    expect(sendsOver(schedule(zone, time), from, to)).toEqual(expected);
  });

  it("a weekly digest on the Sunday clocks go forward is sent once that week", () => {
    const weekly = schedule("Europe/Berlin", "02:30", "weekly", "sunday");
    expect(sendsOver(weekly, "2026-03-20T00:00:00Z", "2026-04-06T00:00:00Z", 5 * minute)).toEqual([
      "2026-03-22 2026-03-22T01:30:00.000Z",
      "2026-03-29 2026-03-29T01:30:00.000Z",
      "2026-04-05 2026-04-05T00:30:00.000Z",
    ]);
  });
});

describe("latestOccurrence and nextOccurrence", () => {
  const berlin = schedule("Europe/Berlin", "09:00");

  it("before today's time, the latest is yesterday's and the next today's", () => {
    const now = Date.parse("2026-07-01T06:59:00Z");
    expect(latestOccurrence(berlin, now)).toEqual({
      period: "2026-06-30",
      dueAt: Date.parse("2026-06-30T07:00:00Z"),
    });
    expect(nextOccurrence(berlin, now)).toEqual({
      period: "2026-07-01",
      dueAt: Date.parse("2026-07-01T07:00:00Z"),
    });
  });

  it("at the time itself, it is the latest, and the next is tomorrow's", () => {
    const now = Date.parse("2026-07-01T07:00:00Z");
    expect(latestOccurrence(berlin, now).period).toBe("2026-07-01");
    expect(nextOccurrence(berlin, now).period).toBe("2026-07-02");
  });

  it("weekly: the latest is the last Monday, the next the coming one", () => {
    const weekly = schedule("Asia/Tokyo", "18:00", "weekly", "monday");
    const wednesday = Date.parse("2026-07-01T00:00:00Z");
    expect(latestOccurrence(weekly, wednesday)).toEqual({
      period: "2026-06-29",
      dueAt: Date.parse("2026-06-29T09:00:00Z"),
    });
    expect(nextOccurrence(weekly, wednesday)).toEqual({
      period: "2026-07-06",
      dueAt: Date.parse("2026-07-06T09:00:00Z"),
    });
  });

  it("the next occurrence after one is one period on, across a time change", () => {
    const spring = schedule("Europe/Berlin", "02:30");
    const first = occurrenceOn(spring, date("2026-03-28"));
    const second = nextOccurrence(spring, first.dueAt);
    expect(second).toEqual({ period: "2026-03-29", dueAt: Date.parse("2026-03-29T01:30:00Z") });
    expect(nextOccurrence(spring, second.dueAt).dueAt - second.dueAt).toBe(23 * hour);
  });
});

describe("canonicalTimeZone", () => {
  it.each([
    ["Europe/Berlin", "Europe/Berlin"],
    ["europe/berlin", "Europe/Berlin"],
    ["UTC", "UTC"],
    ["Etc/UTC", "UTC"],
  ])("%s is %s", (name, canonical) => {
    expect(canonicalTimeZone(name)).toBe(canonical);
  });

  it.each(["Mars/Olympus", "+01:00", "", "Europe/Berlin ", "../etc/passwd", "CET/"])(
    "%j is no zone",
    (name) => {
      expect(canonicalTimeZone(name)).toBeUndefined();
    },
  );
});
