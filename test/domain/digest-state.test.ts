import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AttemptState,
  applyDigestChanges,
  claimable,
  type DigestChange,
  type DigestState,
  emptyDigestState,
  lateWriteGraceMs,
  mergeDigestStates,
} from "../../src/domain/digest-state.js";
import { createIdGenerator } from "../../src/domain/ids.js";

const minute = 60_000;
const t0 = Date.UTC(2026, 2, 1, 9);
const lease = 5 * minute;

// Notification ids issued a minute apart, so that pruning by window start matters.
const ids = Array.from({ length: 12 }, (_, i) => createIdGenerator(() => t0 + i * minute)());

const claim = (attemptId: string, now = t0, period = "2026-03-01"): DigestChange => ({
  kind: "claim",
  period,
  dueAt: t0,
  attemptId,
  holder: `instance-${attemptId}`,
  now,
  leaseMs: lease,
});

const sending = (attemptId: string, now = t0): DigestChange => ({
  kind: "sending",
  attemptId,
  messageId: `<${attemptId}@x>`,
  ids: ids.slice(0, 2),
  cut: now,
  now,
  leaseMs: lease,
});

const apply = (state: DigestState | undefined, ...changes: DigestChange[]) =>
  applyDigestChanges(state, changes);

describe("the digest state's changes: one lease per user and period", () => {
  it("a claim takes an empty state; a second claim meets a live lease and changes nothing", () => {
    const claimed = apply(undefined, claim("a"));
    expect(claimed.attempt).toMatchObject({ attemptId: "a", state: "claimed", tries: 1 });
    expect(apply(claimed, claim("b", t0 + minute))).toEqual(claimed);
  });

  it("a claim whose holder stopped before sending is taken over once its lease ends", () => {
    const claimed = apply(undefined, claim("a"));
    expect(apply(claimed, claim("b", t0 + lease - 1)).attempt?.attemptId).toBe("a");
    expect(apply(claimed, claim("b", t0 + lease)).attempt).toMatchObject({
      attemptId: "b",
      tries: 2,
    });
  });

  it("only the holder records its sending, and nobody claims over a send, even past its lease", () => {
    const claimed = apply(undefined, claim("a"));
    expect(apply(claimed, sending("b"))).toEqual(claimed);
    const sent = apply(claimed, sending("a"));
    expect(sent.attempt).toMatchObject({
      state: "sending",
      messageId: "<a@x>",
      ids: ids.slice(0, 2),
    });
    expect(apply(sent, claim("b", t0 + 10 * lease))).toEqual(sent);
    const claimant = {
      period: "2026-03-01",
      holder: "instance-b",
      now: t0 + 10 * lease,
      leaseMs: lease,
    };
    expect(claimable(sent.attempt, claimant)).toBe(false);
  });

  it("sent ends the period: done, window moved, notifications emailed, the attempt gone", () => {
    const state = apply(undefined, claim("a"), sending("a"), {
      kind: "sent",
      period: "2026-03-01",
      ids: ids.slice(0, 2),
      cut: t0 + minute,
    });
    expect(state).toEqual({
      lastPeriod: "2026-03-01",
      windowStart: t0 + minute,
      emailedIds: ids.slice(0, 2),
      attempt: undefined,
    });
    expect(apply(state, claim("b", t0 + lease))).toEqual(state);
  });

  it("a refused send waits for its retry time, then the next claim counts another try", () => {
    const failed = apply(undefined, claim("a"), sending("a"), {
      kind: "failed",
      attemptId: "a",
      nextTryAt: t0 + 2 * minute,
    });
    expect(failed.attempt).toMatchObject({ state: "failed", tries: 1, failures: 1 });
    expect(apply(failed, claim("b", t0 + minute))).toEqual(failed);
    expect(apply(failed, claim("b", t0 + 2 * minute)).attempt).toMatchObject({
      attemptId: "b",
      state: "claimed",
      tries: 2,
      failures: 1,
    });
  });

  it("a later period's claim replaces an earlier period's failed attempt", () => {
    const failed = apply(undefined, claim("a"), sending("a"), {
      kind: "failed",
      attemptId: "a",
      nextTryAt: t0 + 60 * minute,
    });
    expect(apply(failed, claim("b", t0 + minute, "2026-03-02")).attempt).toMatchObject({
      period: "2026-03-02",
      attemptId: "b",
      tries: 1,
    });
  });

  it("skipped (nothing new, or given up) is the holder's alone", () => {
    const claimed = apply(undefined, claim("a"));
    const skip = (attemptId: string) =>
      ({ kind: "skipped", period: "2026-03-01", attemptId, from: t0 - 24 * 60 * minute }) as const;
    expect(apply(claimed, skip("b"))).toEqual(claimed);
    // Before any digest was sent, the next window starts where this one did.
    expect(apply(claimed, skip("a"))).toEqual({
      ...emptyDigestState,
      lastPeriod: "2026-03-01",
      windowStart: t0 - 24 * 60 * minute + lateWriteGraceMs,
    });
  });

  it("after a digest was sent, skipped leaves the window where the digest put it", () => {
    const sent = apply(undefined, { kind: "sent", period: "2026-03-01", ids: [], cut: t0 });
    const skipped = apply(sent, claim("a", t0, "2026-03-02"), {
      kind: "skipped",
      period: "2026-03-02",
      attemptId: "a",
      from: t0 - 2 * lateWriteGraceMs,
    });
    expect(skipped).toEqual({ ...sent, lastPeriod: "2026-03-02" });
  });

  it("emailed ids are kept while they could fall into the next window, then dropped", () => {
    const state = apply(undefined, {
      kind: "sent",
      period: "2026-03-01",
      ids,
      cut: t0 + 11 * minute + lateWriteGraceMs - 5 * minute,
    });
    // The window reaches back lateWriteGraceMs: ids issued 5 or more minutes
    // before the cut less the grace are out of it.
    expect(state.emailedIds).toEqual(ids.slice(6));
  });
});

describe("merging siblings", () => {
  it("two claims that met hold for nobody until the later lease ends", () => {
    const a = apply(undefined, claim("b", t0));
    const b = apply(undefined, claim("a", t0 + minute));
    const met = mergeDigestStates([a, b]);
    expect(met?.attempt).toMatchObject({
      attemptId: "",
      designated: "a",
      holder: "instance-a",
      expiresAt: t0 + minute + lease,
    });
    expect(apply(met, claim("c", t0 + minute + lease - 1))).toEqual(met);
  });

  it("then the claimant of the least attempt id goes first, any other a lease later", () => {
    const met = mergeDigestStates([apply(undefined, claim("b")), apply(undefined, claim("a"))]);
    const expiry = t0 + lease;
    // instance-a made claim "a": it claims again at once, with a new attempt.
    const again = { ...claim("a2", expiry), holder: "instance-a" };
    expect(apply(met, again).attempt).toMatchObject({ attemptId: "a2", tries: 2 });
    expect(apply(met, claim("c", expiry))).toEqual(met);
    expect(apply(met, claim("c", expiry + lease)).attempt?.attemptId).toBe("c");
  });

  it("claims meeting a meeting designate the least of all their attempt ids", () => {
    const met = mergeDigestStates([apply(undefined, claim("c")), apply(undefined, claim("b"))]);
    const later = apply(undefined, claim("a"));
    expect(mergeDigestStates([met as DigestState, later])?.attempt?.designated).toBe("a");
    expect(mergeDigestStates([later, met as DigestState])?.attempt?.holder).toBe("instance-a");
  });

  it("a send beats the claim it met; a done period beats every attempt at it", () => {
    const a = apply(undefined, claim("a"), sending("a"));
    const b = apply(undefined, claim("b"));
    expect(mergeDigestStates([b, a])?.attempt?.attemptId).toBe("a");
    const done = apply(a, { kind: "sent", period: "2026-03-01", ids: [], cut: t0 });
    expect(mergeDigestStates([a, b, done])?.attempt).toBeUndefined();
  });

  // Siblings as the protocol writes them: a shared history, then changes of
  // their own, from a few attempts and times.
  const attemptId = fc.constantFrom("a", "b", "c");
  const at = fc.integer({ min: 0, max: 12 }).map((m) => t0 + m * minute);
  const period = fc.constantFrom("2026-03-01", "2026-03-02");
  const change: fc.Arbitrary<DigestChange> = fc.oneof(
    fc.tuple(attemptId, at, period).map(([a, now, p]) => claim(a, now, p)),
    fc.tuple(attemptId, at).map(([a, now]) => sending(a, now)),
    fc
      .tuple(period, fc.subarray(ids), at)
      .map(([p, emailed, cut]) => ({ kind: "sent" as const, period: p, ids: emailed, cut })),
    fc
      .tuple(attemptId, at)
      .map(([a, nextTryAt]) => ({ kind: "failed" as const, attemptId: a, nextTryAt })),
    fc
      .tuple(period, attemptId, at)
      .map(([p, a, from]) => ({ kind: "skipped" as const, period: p, attemptId: a, from })),
  );
  const history = fc.array(change, { maxLength: 6 });
  const sibling = fc
    .tuple(history, history)
    .map(([shared, own]) => apply(apply(undefined, ...shared), ...own));
  const runs = { numRuns: 500 };

  it("gives the same state in any order", () => {
    fc.assert(
      fc.property(sibling, sibling, (a, b) => {
        expect(mergeDigestStates([a, b])).toEqual(mergeDigestStates([b, a]));
      }),
      runs,
    );
  });

  it("gives the same state in any grouping", () => {
    fc.assert(
      fc.property(sibling, sibling, sibling, (a, b, c) => {
        const all = mergeDigestStates([a, b, c]);
        const left = mergeDigestStates([mergeDigestStates([a, b]) as DigestState, c]);
        const right = mergeDigestStates([a, mergeDigestStates([b, c]) as DigestState]);
        expect(left).toEqual(all);
        expect(right).toEqual(all);
      }),
      runs,
    );
  });

  it("changes nothing when merged again", () => {
    fc.assert(
      fc.property(sibling, sibling, (a, b) => {
        const merged = mergeDigestStates([a, b]) as DigestState;
        expect(mergeDigestStates([merged])).toEqual(merged);
        expect(mergeDigestStates([merged, merged])).toEqual(merged);
      }),
      runs,
    );
  });
});

/**
 * A key of a store shaped like Riak with dotted version vectors: every write
 * names the siblings it read (its context) and replaces exactly those, so
 * writers that read the same version leave siblings side by side.
 */
class SiblingKey {
  private readonly siblings = new Map<number, DigestState>();
  private nextDot = 1;

  read(): { state: DigestState | undefined; context: number[] } {
    return {
      state: mergeDigestStates([...this.siblings.values()]),
      context: [...this.siblings.keys()],
    };
  }

  write(state: DigestState, context: readonly number[]): void {
    for (const dot of context) this.siblings.delete(dot);
    this.siblings.set(this.nextDot++, state);
  }
}

/**
 * One instance's way through the claim protocol, a step at a time (a storage
 * call each): read, claim (read-modify-write), read back, record sending
 * (read-modify-write), read back, send. Returns the steps; the last one
 * reports whether this instance sent.
 */
function protocol(key: SiblingKey, attemptId: string, sent: string[]): (() => boolean)[] {
  let read: ReturnType<SiblingKey["read"]> | undefined;
  let going = true;
  const rmw = (change: DigestChange) => [
    () => {
      read = key.read();
      return going;
    },
    () => {
      if (going && read) key.write(apply(read.state, change), read.context);
      return going;
    },
  ];
  const mine = (state: AttemptState) => () => {
    const attempt = key.read().state?.attempt;
    going &&= attempt?.attemptId === attemptId && attempt.state === state;
    return going;
  };
  return [
    () => {
      const claimant = {
        period: "2026-03-01",
        holder: `instance-${attemptId}`,
        now: t0,
        leaseMs: lease,
      };
      going = claimable(key.read().state?.attempt, claimant);
      return going;
    },
    ...rmw(claim(attemptId)),
    mine("claimed"),
    ...rmw(sending(attemptId)),
    mine("sending"),
    () => {
      if (going) sent.push(attemptId);
      return going;
    },
  ];
}

describe("three instances racing the claim protocol over siblings", () => {
  it("in any interleaving of their storage calls and read repairs, at most one sends", () => {
    const order = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 30, maxLength: 60 });
    fc.assert(
      fc.property(order, (turns) => {
        const key = new SiblingKey();
        const sent: string[] = [];
        const instances = ["a", "b", "c"].map((id) => protocol(key, id, sent));
        for (const turn of turns) {
          const steps = instances[turn];
          if (steps) {
            steps.shift()?.();
            continue;
          }
          // A read repair: the merge of what a reader found, written back.
          const { state, context } = key.read();
          if (state) key.write(state, context);
        }
        for (const steps of instances) for (const step of steps.splice(0)) step();
        expect(sent.length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  it("without contention, the one instance that runs sends", () => {
    const key = new SiblingKey();
    const sent: string[] = [];
    for (const step of protocol(key, "a", sent)) step();
    expect(sent).toEqual(["a"]);
  });
});
