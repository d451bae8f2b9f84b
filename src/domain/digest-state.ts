import { idTimeMs } from "./ids.js";

/**
 * Where an attempt at one period's digest is: its lease is held (`claimed`),
 * its content and Message-ID are recorded and it is being handed to the SMTP
 * server (`sending`), or the server refused it and it waits for its retry
 * (`failed`).
 */
export type AttemptState = "claimed" | "sending" | "failed";

/** An attempt at one period's digest: the lease in storage and what it recorded. */
export interface DigestAttempt {
  /** The period (the local date it is due on, `YYYY-MM-DD`). */
  readonly period: string;
  /** When the period was due, ms since the Unix epoch. */
  readonly dueAt: number;
  /** A KSUID of this attempt; "" when claims met and none holds the lease. */
  readonly attemptId: string;
  /**
   * The instance holding the lease; when claims met, the instance whose
   * claim had the least attempt id, which alone may claim again at first.
   */
  readonly holder: string;
  /** When claims met: the least of their attempt ids; else "". */
  readonly designated: string;
  readonly state: AttemptState;
  /** When the lease ends, in ms. */
  readonly expiresAt: number;
  /** Claims made on this period, this one included: a later claim outranks an earlier one. */
  readonly tries: number;
  /** Sends of this period the SMTP server refused so far. */
  readonly failures: number;
  /** `failed`: when the next attempt may start, in ms. */
  readonly nextTryAt: number;
  /** `sending`: the Message-ID of the message handed to the SMTP server. */
  readonly messageId: string;
  /** `sending`: the notifications it carries. */
  readonly ids: readonly string[];
  /** `sending`: when its content was read, in ms. */
  readonly cut: number;
}

/** A user's digest state (bucket `digests`). */
export interface DigestState {
  /** The latest period done: sent, found empty, given up, or assumed sent; "" for none. */
  readonly lastPeriod: string;
  /**
   * Where the next digest's window starts, plus {@link lateWriteGraceMs}: when
   * the content of the latest digest sent was read, or before any was sent,
   * the start of the first window plus the grace once a period was skipped;
   * 0 before the first period.
   */
  readonly windowStart: number;
  /** Notifications emailed that are recent enough to fall into the next window again. */
  readonly emailedIds: readonly string[];
  /** The attempt at a period after `lastPeriod`, if one was started. */
  readonly attempt: DigestAttempt | undefined;
}

/** The state of a user who never had a digest. */
export const emptyDigestState: DigestState = Object.freeze({
  lastPeriod: "",
  windowStart: 0,
  emailedIds: [],
  attempt: undefined,
});

/**
 * How much older than the previous digest's read a notification may be and
 * still be in the next one: a create takes its id and time before its write,
 * which may land after a digest read the inbox (at most the longest call
 * deadline, a minute, plus clock skew between instances).
 */
export const lateWriteGraceMs = 5 * 60_000;

/** A change to a user's digest state, applied in a read-modify-write. */
export type DigestChange =
  /** Takes the lease on `period`, unless the state says someone holds it or it is done. */
  | {
      readonly kind: "claim";
      readonly period: string;
      readonly dueAt: number;
      readonly attemptId: string;
      readonly holder: string;
      readonly now: number;
      readonly leaseMs: number;
    }
  /** Records what the attempt is about to send; only while it still holds its claim. */
  | {
      readonly kind: "sending";
      readonly attemptId: string;
      readonly messageId: string;
      readonly ids: readonly string[];
      readonly cut: number;
      readonly now: number;
      readonly leaseMs: number;
    }
  /** The SMTP server accepted the digest (or, after a crash, may have): the period is done. */
  | {
      readonly kind: "sent";
      readonly period: string;
      readonly ids: readonly string[];
      readonly cut: number;
    }
  /** The SMTP server refused: the attempt waits until `nextTryAt`. */
  | { readonly kind: "failed"; readonly attemptId: string; readonly nextTryAt: number }
  /**
   * The period is done without a digest (nothing new, or given up); only the
   * holder's. `from` is where its window started: before the first digest,
   * the next window starts there too, so a given-up digest's notifications
   * go into the next one.
   */
  | {
      readonly kind: "skipped";
      readonly period: string;
      readonly attemptId: string;
      readonly from: number;
    };

/** Applies changes in order to the state read (undefined: none yet). */
export function applyDigestChanges(
  current: DigestState | undefined,
  changes: readonly DigestChange[],
): DigestState {
  let state = current ?? emptyDigestState;
  for (const change of changes) state = applyOne(state, change);
  return state;
}

function applyOne(state: DigestState, change: DigestChange): DigestState {
  const attempt = state.attempt;
  switch (change.kind) {
    case "claim": {
      if (change.period <= state.lastPeriod || !claimable(attempt, change)) return state;
      const same = attempt?.period === change.period;
      const tries = (same ? attempt.tries : 0) + 1;
      const failures = same ? attempt.failures : 0;
      return {
        ...state,
        attempt: {
          period: change.period,
          dueAt: change.dueAt,
          attemptId: change.attemptId,
          holder: change.holder,
          designated: "",
          state: "claimed",
          expiresAt: change.now + change.leaseMs,
          tries,
          failures,
          nextTryAt: 0,
          messageId: "",
          ids: [],
          cut: 0,
        },
      };
    }
    case "sending": {
      if (attempt?.attemptId !== change.attemptId || attempt.state !== "claimed") return state;
      const { messageId, ids, cut } = change;
      const expiresAt = change.now + change.leaseMs;
      return {
        ...state,
        attempt: { ...attempt, state: "sending", messageId, ids, cut, expiresAt },
      };
    }
    case "sent":
      return settle({
        lastPeriod: later(state.lastPeriod, change.period),
        windowStart: Math.max(state.windowStart, change.cut),
        emailedIds: [...state.emailedIds, ...change.ids],
        attempt,
      });
    case "failed": {
      if (attempt?.attemptId !== change.attemptId) return state;
      const { nextTryAt } = change;
      const failures = attempt.failures + 1;
      return {
        ...state,
        attempt: { ...attempt, state: "failed", failures, nextTryAt, expiresAt: nextTryAt },
      };
    }
    case "skipped": {
      if (attempt?.attemptId !== change.attemptId) return state;
      const lastPeriod = later(state.lastPeriod, change.period);
      // Windows reach back lateWriteGraceMs before windowStart.
      const windowStart = state.windowStart || change.from + lateWriteGraceMs;
      return settle({ ...state, lastPeriod, windowStart });
    }
  }
}

/** Who wants to claim which period when. */
export interface Claimant {
  readonly period: string;
  readonly holder: string;
  readonly now: number;
  readonly leaseMs: number;
}

/**
 * True when a new claim by `claimant` may replace `attempt`: there is none,
 * or it is a claim whose lease ran out (its holder stopped before sending), or
 * a failure whose retry time has come. Claims that met are taken first by the
 * designated instance alone, and by any other a lease later, so that
 * instances scanning in step cannot meet again and again. Never over a
 * `sending` attempt: its message may have been accepted, so only
 * {@link DigestChange} `sent` ends it.
 */
export function claimable(attempt: DigestAttempt | undefined, claimant: Claimant): boolean {
  if (!attempt) return true;
  switch (attempt.state) {
    case "sending":
      return false;
    case "claimed": {
      const wait = attempt.attemptId === "" && attempt.holder !== claimant.holder;
      return attempt.expiresAt + (wait ? claimant.leaseMs : 0) <= claimant.now;
    }
    case "failed":
      return attempt.period !== claimant.period || attempt.nextTryAt <= claimant.now;
  }
}

/**
 * Resolves siblings (concurrent writes through different instances or
 * nodes). Done periods, window starts and emailed ids only grow, so they
 * merge by maximum and union. Of the attempts at periods not yet done, the
 * most advanced wins (later period, more tries, then failed over sending over
 * claimed); two different claims at the same point meet, and the result
 * holds for nobody until the later of their leases ends, so that neither
 * claimant, nor a third instance, sends meanwhile; then the claimant with
 * the least attempt id goes first. The merge gives the same
 * result in any order and grouping, and merging a result again changes nothing.
 */
export function mergeDigestStates(siblings: readonly DigestState[]): DigestState | undefined {
  if (siblings.length === 0) return undefined;
  let lastPeriod = "";
  let windowStart = 0;
  const emailedIds: string[] = [];
  for (const sibling of siblings) {
    lastPeriod = later(lastPeriod, sibling.lastPeriod);
    windowStart = Math.max(windowStart, sibling.windowStart);
    emailedIds.push(...sibling.emailedIds);
  }
  const attempts = siblings.flatMap((s) => (s.attempt ? [s.attempt] : []));
  return settle({ lastPeriod, windowStart, emailedIds, attempt: mostAdvanced(attempts) });
}

const stateRank: Readonly<Record<AttemptState, number>> = { claimed: 0, sending: 1, failed: 2 };

function mostAdvanced(attempts: readonly DigestAttempt[]): DigestAttempt | undefined {
  let top: DigestAttempt[] = [];
  for (const attempt of attempts) {
    const order = top[0] === undefined ? 1 : compareProgress(attempt, top[0]);
    if (order > 0) top = [attempt];
    else if (order === 0) top.push(attempt);
  }
  const [first] = top;
  if (!first) return undefined;
  const ids = new Set(top.map((a) => a.attemptId));
  const expiresAt = Math.max(...top.map((a) => a.expiresAt));
  if (ids.size > 1 && first.state === "claimed") {
    // Claims that met: nobody holds the lease until the later one would end;
    // then the claimant of the least attempt id (itself, or one designated
    // by claims that met before) goes first.
    const designee = top.reduce((a, b) => (designatedId(b) < designatedId(a) ? b : a));
    const dueAt = Math.min(...top.map((a) => a.dueAt));
    return {
      ...first,
      attemptId: "",
      holder: designee.holder,
      designated: designatedId(designee),
      expiresAt,
      dueAt,
    };
  }
  // One attempt (several copies of it), or two past their claim, which the
  // claim protocol rules out: pick one the same way everywhere.
  const chosen = top.reduce((a, b) => (orderKey(b) > orderKey(a) ? b : a));
  return { ...chosen, expiresAt: Math.max(chosen.expiresAt, ...sameAttempt(top, chosen)) };
}

/** The attempt id a claim stands for when claims meet: its own, or the one it designated. */
function designatedId(attempt: DigestAttempt): string {
  return attempt.attemptId === "" ? attempt.designated : attempt.attemptId;
}

function sameAttempt(attempts: readonly DigestAttempt[], chosen: DigestAttempt): number[] {
  return attempts.filter((a) => a.attemptId === chosen.attemptId).map((a) => a.expiresAt);
}

function compareProgress(a: DigestAttempt, b: DigestAttempt): number {
  if (a.period !== b.period) return a.period > b.period ? 1 : -1;
  if (a.tries !== b.tries) return a.tries - b.tries;
  return stateRank[a.state] - stateRank[b.state];
}

// Every field but `expiresAt` (merged by maximum), so that copies of one
// attempt that differ anywhere else still resolve the same in any order.
function orderKey(attempt: DigestAttempt): string {
  return JSON.stringify([
    attempt.attemptId,
    attempt.nextTryAt,
    attempt.messageId,
    attempt.cut,
    attempt.failures,
    attempt.holder,
    attempt.designated,
    attempt.dueAt,
    attempt.ids,
  ]);
}

/**
 * Drops what can no longer matter: an attempt at a period already done, and
 * emailed ids too old for the next window; ids are kept sorted and unique.
 */
function settle(state: DigestState): DigestState {
  const oldest = state.windowStart - lateWriteGraceMs;
  const emailedIds = [...new Set(state.emailedIds)]
    // KSUIDs carry whole seconds: keep the second that may hold `oldest`.
    .filter((id) => idTimeMs(id) + 1000 > oldest)
    .sort();
  const attempt =
    state.attempt && state.attempt.period > state.lastPeriod ? state.attempt : undefined;
  return { ...state, emailedIds, attempt };
}

function later(a: string, b: string): string {
  return a > b ? a : b;
}
