import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  closesConnection,
  countsAgainstNode,
  errorFromResponse,
  errorKindOf,
  isRetryable,
  isUnknownBucketType,
  RiakError,
} from "../../src/riak/errors.js";

interface Recorded {
  readonly name: string | null;
  readonly decoded: { errmsg?: string; errmsg_first_line?: string } | null;
}

// Every error text a real Riak 3.2 sent in test/fixtures/riak-transcripts.json.
const recordedTexts = [
  ...new Set(
    (
      JSON.parse(
        readFileSync(new URL("../fixtures/riak-transcripts.json", import.meta.url), "utf8"),
      ) as Recorded[]
    )
      .filter((r) => r.name === "RpbErrorResp")
      .map((r) => r.decoded?.errmsg ?? r.decoded?.errmsg_first_line ?? "")
      .filter((text) => text !== ""),
  ),
];

describe("errorKindOf", () => {
  it("classifies every error text Riak 3.2 was recorded sending", () => {
    const kinds = Object.fromEntries(recordedTexts.map((text) => [text, errorKindOf(text)]));
    expect(kinds).toEqual({
      modified: "precondition",
      match_found: "precondition",
      notfound: "notFound",
      no_type: "badRequest",
      "Unknown message code: 250": "badRequest",
      "Error processing incoming message: error:{gpb_error,": "badRequest",
      "Error processing incoming message: error:{badrecord,undefined}:[{riak_pb_kv_codec,":
        "badRequest",
      "Error processing incoming message: error:data_error:[{zlib,inflate_nif,": "badRequest",
      "No bucket-type named 'tx_no_such_type'": "badRequest",
      "Invalid bucket properties: [{n_val,not_integer}]": "badRequest",
      'Invalid bucket properties: [{allow_mult,\n                                "Data Type buckets must be allow_mult=true"}]':
        "badRequest",
      "Bucket cannot be zero-length": "badRequest",
      "Key cannot be zero-length": "badRequest",
      "{n_val_violation,3}": "badRequest",
    });
  });

  it.each([
    ["timeout", "timeout"],
    ["{error,timeout}", "timeout"],
    ["overload", "overload"],
    ["{error,overload}", "overload"],
    ["{insufficient_vnodes,0,need,2}", "unavailable"],
    ["all_nodes_down", "unavailable"],
    ["insufficient_vnodes_available", "unavailable"],
    // A node whose riak_kv has not started answers KV requests as unknown codes.
    ["Unknown message code: 9", "starting"],
    ["Unknown message code: 11", "starting"],
    ["Unknown message code: 13", "starting"],
    ["Unknown message code: 17", "starting"],
    // A code that no Riak serves is the client's mistake.
    ["Unknown message code: 250", "badRequest"],
    ["Unknown message code: 9 and more", "badRequest"],
    ["{pr_val_unsatisfied,3,2}", "unavailable"],
    ["{pw_val_unsatisfied,2,1}", "unavailable"],
    ["{too_many_siblings,101}", "server"],
  ] as const)("classifies %s as %s", (text, kind) => {
    expect(errorKindOf(text)).toBe(kind);
  });
});

describe("errorFromResponse", () => {
  it("keeps the full text but only its first line in the message", () => {
    const errmsg =
      "Error processing incoming message: error:{gpb_error,\n  {decoding_failure, ...}}";
    const error = errorFromResponse(errmsg, "127.0.0.1:8087");
    expect(error).toMatchObject({ kind: "badRequest", errmsg, node: "127.0.0.1:8087" });
    expect(error.message).toBe("Error processing incoming message: error:{gpb_error,");
    expect(closesConnection(errmsg)).toBe(true);
    expect(closesConnection("modified")).toBe(false);
  });
});

describe("retry and breaker policy", () => {
  const kinds = [
    "precondition",
    "notFound",
    "badRequest",
    "starting",
    "timeout",
    "overload",
    "unavailable",
    "network",
    "aborted",
    "server",
  ] as const;
  const matching = (test: (error: unknown) => boolean) =>
    kinds.filter((kind) => test(new RiakError(kind, kind)));

  it("retries starting nodes, network errors, timeouts, overload and missing replicas only", () => {
    expect(matching(isRetryable)).toEqual([
      "starting",
      "timeout",
      "overload",
      "unavailable",
      "network",
    ]);
    expect(isRetryable(new Error("bug"))).toBe(false);
  });

  it("counts only failures of the node itself against it", () => {
    expect(matching(countsAgainstNode)).toEqual([
      "starting",
      "timeout",
      "overload",
      "network",
      "server",
    ]);
  });

  it("recognises both wordings of an unknown bucket type", () => {
    expect(isUnknownBucketType(errorFromResponse("no_type", "n"))).toBe(true);
    expect(isUnknownBucketType(errorFromResponse("No bucket-type named 'x'", "n"))).toBe(true);
    expect(isUnknownBucketType(errorFromResponse("modified", "n"))).toBe(false);
  });
});
