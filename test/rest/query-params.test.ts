import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RestError } from "../../src/rest/error-body.js";
import { applyQuery, splitCommaList } from "../../src/rest/query-params.js";
import { ProbeSchema } from "./probe-service.js";

function convert(query: string, options = {}): JsonObject {
  const json: JsonObject = {};
  applyQuery(json, ProbeSchema, new URLSearchParams(query), { bound: [], ...options });
  // Whatever the conversion gives, fromJson must accept it.
  fromJson(ProbeSchema, json);
  return json;
}

function refusal(query: string, options = {}): string {
  try {
    convert(query, options);
  } catch (error) {
    expect(error).toBeInstanceOf(RestError);
    expect((error as RestError).status).toBe(400);
    return (error as RestError).message;
  }
  throw new Error(`${query} was accepted`);
}

describe("applyQuery", () => {
  it("converts each value by its field's type", () => {
    expect(
      convert("text=hi&flag=true&small=-7&big=9007199254740993&positive=4&ratio=0.5&data=AAE="),
    ).toEqual({
      text: "hi",
      flag: true,
      small: -7,
      big: "9007199254740993",
      positive: 4,
      ratio: 0.5,
      data: "AAE=",
    });
    expect(convert("flag=false")).toEqual({ flag: false });
    expect(convert("flag=1&ratio=NaN")).toEqual({ flag: true, ratio: "NaN" });
  });

  it("reads enums by name or by number", () => {
    expect(convert("color=GREEN")).toEqual({ color: "GREEN" });
    expect(convert("color=1")).toEqual({ color: "RED" });
    expect(convert("colors=RED&colors=2")).toEqual({ colors: ["RED", "GREEN"] });
  });

  it("collects every occurrence of a repeated field, and splits comma lists when asked", () => {
    expect(convert("tags=a&tags=b")).toEqual({ tags: ["a", "b"] });
    expect(convert("tags=a,b")).toEqual({ tags: ["a,b"] });
    expect(convert("tags=a,%20b,,c&tags=d", { commaLists: ["tags"] })).toEqual({
      tags: ["a", "b", "c", "d"],
    });
    expect(convert("tags=", { commaLists: ["tags"] })).toEqual({ tags: [] });
  });

  it("accepts proto and JSON names, and dotted paths into messages", () => {
    expect(convert("page_size=5")).toEqual({ page_size: 5 });
    expect(convert("pageSize=5")).toEqual({ page_size: 5 });
    expect(convert("inner.name=x&inner.count=2")).toEqual({ inner: { name: "x", count: 2 } });
    expect(convert("at=2015-07-26T16:06:10.970Z")).toEqual({ at: "2015-07-26T16:06:10.970Z" });
  });

  it("sets a map entry from <map>.<key>, the key being the rest of the name", () => {
    expect(convert("labels.team=red&labels.a.b=c")).toEqual({
      labels: { team: "red", "a.b": "c" },
    });
    expect(convert("tag.x=1", { aliases: { tag: "labels" } })).toEqual({ labels: { x: "1" } });
  });

  it("reads aliases for a parameter or its first dotted part", () => {
    const aliases = { t: "tags", in: "inner" };
    expect(convert("t=a&t=b&in.name=x", { aliases })).toEqual({
      tags: ["a", "b"],
      inner: { name: "x" },
    });
    expect(convert("t=a,b", { aliases, commaLists: ["tags"] })).toEqual({ tags: ["a", "b"] });
    expect(refusal("in=x", { aliases })).toContain('query parameter "in" names a message');
  });

  it.each([
    ["flag=yes", 'query parameter "flag" must be true or false (got "yes")'],
    ["small=abc", 'query parameter "small" must be an integer from -2147483648 to 2147483647'],
    ["small=2147483648", "must be an integer from -2147483648 to 2147483647"],
    ["small=1.5", "must be an integer"],
    ["positive=-1", 'query parameter "positive" must be an integer from 0 to 4294967295'],
    ["big=1e3", 'query parameter "big" must be an integer (got "1e3")'],
    ["ratio=fast", 'query parameter "ratio" must be a number (got "fast")'],
    ["ratio=", "must be a number"],
    ["color=BLUE", "must be one of COLOR_UNSPECIFIED, RED, GREEN (or its number)"],
    ["color=9", "must be one of COLOR_UNSPECIFIED, RED, GREEN"],
    ["text=a&text=b", 'query parameter "text" must be given once'],
    ["nope=1", 'unknown query parameter "nope"'],
    ["inner.nope=1", 'unknown query parameter "inner.nope"'],
    ["inner=x", 'query parameter "inner" names a message, which a query cannot set'],
    ["labels=x", 'query parameter "labels" names a map, which a query cannot set'],
    ["labels.k=a&labels.k=b", 'query parameter "labels.k" must be given once'],
    ["inners=x", "names a list of messages, which a query cannot set"],
  ])("refuses %s", (query, message) => {
    expect(refusal(query)).toContain(message);
  });

  it("refuses a field the path or the body already sets", () => {
    expect(refusal("text=x", { bound: ["text"] })).toBe(
      'query parameter "text" sets text, which the request already sets',
    );
    expect(refusal("inner.name=x", { bound: ["inner"] })).toContain("sets inner");
    expect(convert("inner.count=1", { bound: ["inner.name"] })).toEqual({ inner: { count: 1 } });
  });
});

describe("splitCommaList", () => {
  it("trims entries and drops empty ones", () => {
    expect(splitCommaList("1,2,asdf,3")).toEqual(["1", "2", "asdf", "3"]);
    expect(splitCommaList(" a , ,b,")).toEqual(["a", "b"]);
    expect(splitCommaList("")).toEqual([]);
    expect(splitCommaList(",,")).toEqual([]);
  });
});
