import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RpbContentSchema } from "../../src/gen/riak/riak_kv_pb.js";
import {
  applyWrite,
  type CausalObject,
  isTombstoneOnly,
  type MergePolicy,
} from "../support/riak-node/causal-object.js";
import { decodeVclock, encodeVclock } from "../support/riak-node/vclock-codec.js";
import { descends, emptyVector, type VersionVector } from "../support/riak-node/version-vector.js";

const plain: MergePolicy = { allowMult: true, dvvEnabled: false };
const dvv: MergePolicy = { allowMult: true, dvvEnabled: true };
const lww: MergePolicy = { allowMult: false, dvvEnabled: false };
const [actorA, actorB] = ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"];

const value = (text: string, deleted = false) =>
  create(RpbContentSchema, {
    value: new TextEncoder().encode(text),
    ...(deleted ? { deleted } : {}),
  });

const values = (object: CausalObject): string[] =>
  object.siblings.map((sibling) => new TextDecoder().decode(sibling.content.value)).sort();

function write(
  current: CausalObject | undefined,
  context: VersionVector,
  text: string,
  policy: MergePolicy,
  actor = actorA,
): CausalObject {
  return applyWrite(current, context, actor, policy, value(text));
}

describe("applyWrite", () => {
  it("a write whose context descends the clock replaces every sibling, for every policy", () => {
    for (const policy of [plain, dvv, lww]) {
      const one = write(undefined, emptyVector, "a", policy);
      const two = write(one, emptyVector, "b", policy, actorB);
      const resolved = write(two, two.clock, "resolved", policy);
      expect(values(resolved)).toEqual(["resolved"]);
    }
  });

  it("every write advances the clock past the context and the stored clock", () => {
    const one = write(undefined, emptyVector, "a", plain);
    const two = write(one, one.clock, "b", plain);
    expect(descends(two.clock, one.clock)).toBe(true);
    expect(descends(one.clock, two.clock)).toBe(false);
    const blind = write(two, emptyVector, "c", plain, actorB);
    expect(descends(blind.clock, two.clock)).toBe(true);
    expect(blind.clock.get(actorB)).toBe(1);
  });

  it("a stale context without DVV keeps all siblings, even those it has seen", () => {
    const one = write(undefined, emptyVector, "a", plain);
    const staleContext = one.clock;
    const two = write(one, emptyVector, "b", plain, actorB);
    expect(values(write(two, staleContext, "c", plain))).toEqual(["a", "b", "c"]);
  });

  it("a stale context with DVV drops exactly the siblings it has seen", () => {
    const one = write(undefined, emptyVector, "a", dvv);
    const staleContext = one.clock;
    const two = write(one, emptyVector, "b", dvv, actorB);
    expect(values(write(two, staleContext, "c", dvv))).toEqual(["b", "c"]);
  });

  it("without allow_mult the last write wins, blind or stale", () => {
    const one = write(undefined, emptyVector, "a", lww);
    expect(values(write(one, emptyVector, "b", lww, actorB))).toEqual(["b"]);
  });

  it("a context from elsewhere on a new key is kept in the new clock (X10)", () => {
    const foreign = new Map([[actorB, 3]]);
    const written = write(undefined, foreign, "a", plain);
    expect(written.clock).toEqual(
      new Map([
        [actorB, 3],
        [actorA, 1],
      ]),
    );
  });

  it("an object is a tombstone only when every sibling is deleted", () => {
    const tombstone = applyWrite(undefined, emptyVector, actorA, plain, value("", true));
    expect(isTombstoneOnly(tombstone)).toBe(true);
    expect(isTombstoneOnly(write(tombstone, emptyVector, "b", plain))).toBe(false);
  });
});

describe("vclock bytes", () => {
  it("round-trip, with equal bytes for equal vectors", () => {
    const vector = new Map([
      [actorB, 7],
      [actorA, 2],
    ]);
    const bytes = encodeVclock(vector);
    expect(decodeVclock(bytes)).toEqual(vector);
    expect(
      encodeVclock(
        new Map([
          [actorA, 2],
          [actorB, 7],
        ]),
      ),
    ).toEqual(bytes);
  });

  it("reject bytes that are not a vclock of the test node", () => {
    for (const bad of ["not-a-vclock", "7601aa", "7601aaaaaaaaaaaaaaaa00000000"]) {
      expect(decodeVclock(Buffer.from(bad, bad.startsWith("76") ? "hex" : "utf8")), bad).toBe(
        undefined,
      );
    }
  });
});
