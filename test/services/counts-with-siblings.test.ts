import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BucketName } from "../../src/storage/key-value-store.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { appTarget, checkedFilters, expectCountsMatchPaging, inboxOp, runOp } from "./inbox-ops.js";

// Contract §7.4 on the Riak test cluster with concurrent writers: two
// service instances over one cluster run the operations two at a time, one
// each, so their reads and writes of a user's list, state and cursor
// interleave and leave siblings, which every later read merges. Afterwards
// both instances count alike, and counts equal paging on each. Rules are
// read through (no cache), so both instances group alike at once.

describe("counts equal paging after concurrent writers left siblings on Riak", () => {
  let a: TestApp;
  let b: TestApp;
  const siblings = new Map<BucketName, number>();
  const observeSiblings = (bucket: BucketName, count: number) => {
    if (count > 1) siblings.set(bucket, (siblings.get(bucket) ?? 0) + 1);
  };
  let users = 0;

  beforeAll(async () => {
    a = await createTestApp({ ruleRefreshMs: 0, observeSiblings }, "riak");
    b = a.sibling({ ruleRefreshMs: 0, observeSiblings });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it("for every filter, on both instances, after any sequence of concurrent pairs", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(inboxOp, inboxOp), { minLength: 1, maxLength: 15 }),
        fc.integer({ min: 1, max: 4 }),
        async (pairs, pageSize) => {
          const username = `siblings-${users++}`;
          for (const [onA, onB] of pairs) {
            await Promise.all([
              runOp(appTarget(a), username, onA),
              runOp(appTarget(b), username, onB),
            ]);
          }
          await Promise.all([a.app.idle(), b.app.idle()]);
          for (const filter of checkedFilters) {
            const [fromA, fromB] = await Promise.all([
              a.notifications.countNotifications({ username, filter }),
              b.notifications.countNotifications({ username, filter }),
            ]);
            expect(fromB, `both instances count ${JSON.stringify(filter)} alike`).toEqual(fromA);
          }
          await expectCountsMatchPaging(appTarget(a), username, pageSize);
          await expectCountsMatchPaging(appTarget(b), username, pageSize);
        },
      ),
      { numRuns: 12 },
    );
    // The runs did make siblings of the lists and of the states.
    expect(siblings.get("notifications") ?? 0).toBeGreaterThan(0);
    expect(siblings.get("states") ?? 0).toBeGreaterThan(0);
  });
});
