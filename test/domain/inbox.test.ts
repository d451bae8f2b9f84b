import { describe, expect, it } from "vitest";
import { buildInbox, isUnseen } from "../../src/domain/inbox.js";
import { countInbox } from "../../src/domain/inbox-counts.js";
import { idsDescending, shape, stored } from "./fixtures.js";

describe("unseen by id comparison (contract §4.3)", () => {
  it("is unseen when the id is greater than the cursor; everything is unseen without a cursor", () => {
    expect(isUnseen("05", "04")).toBe(true);
    expect(isUnseen("04", "04")).toBe(false);
    expect(isUnseen("03", "04")).toBe(false);
    expect(isUnseen("01", undefined)).toBe(true);
  });

  it("does not need the cursor's notification to exist (the predecessor's A7 bug is fixed)", () => {
    // Cursor "08" whose notification was deleted: 07..01 stay seen.
    const list = idsDescending(7, 2).map((id) => stored(id));
    const inbox = buildInbox(list, "08", new Map());
    expect(inbox.every((n) => !n.unseen)).toBe(true);
    expect(countInbox(inbox).unseen).toBe(0);
  });

  it("counts unseen notifications", () => {
    const list = idsDescending(6).map((id) => stored(id));
    expect(countInbox(buildInbox(list, "4", new Map())).unseen).toBe(2);
    expect(countInbox(buildInbox(list, undefined, new Map())).unseen).toBe(6);
  });
});

describe("buildInbox splits unseen from seen before rolling up (Appendix A6)", () => {
  it("cursor 05 over 01..08 with max_size 10: unseen 08 {07, 06}, seen 05 {04..01}", () => {
    const list = idsDescending(8, 2).map((id) => stored(id));
    const inbox = buildInbox(list, "05", new Map([["new-follower", { maxSize: 10 }]]));
    expect(shape(inbox)).toEqual([
      ["08", ["07", "06"]],
      ["05", ["04", "03", "02", "01"]],
    ]);
    expect(inbox.map((n) => n.unseen)).toEqual([true, false]);
    expect(inbox[0]?.children.every((c) => c.unseen)).toBe(true);
    expect(inbox[1]?.children.every((c) => !c.unseen)).toBe(true);
  });

  it("the predecessor's split cases: cursor 4 over 6..1 → unseen [6, 5], seen [4..1]", () => {
    const list = idsDescending(6).map((id) => stored(id));
    const inbox = buildInbox(list, "4", new Map());
    expect(inbox.filter((n) => n.unseen).map((n) => n.id)).toEqual(["6", "5"]);
    expect(inbox.filter((n) => !n.unseen).map((n) => n.id)).toEqual(["4", "3", "2", "1"]);
  });

  it("an empty list gives an empty inbox", () => {
    expect(buildInbox([], "1", new Map())).toEqual([]);
  });
});
