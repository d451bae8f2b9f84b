import { describe, expect, it } from "vitest";
import {
  compareSpecificity,
  expandPathTemplate,
  matchPathTemplate,
  parsePathTemplate,
  splitRequestPath,
} from "../../src/rest/path-template.js";

function match(template: string, path: string): Record<string, string> | undefined {
  const segments = splitRequestPath(path);
  if (!segments) throw new Error(`bad path ${path}`);
  const values = matchPathTemplate(parsePathTemplate(template), segments);
  return values && Object.fromEntries(values);
}

describe("parsePathTemplate", () => {
  it("reads literals, variables, wildcards and a verb", () => {
    const template = parsePathTemplate("/v1/{name=shelves/*/books/**}:publish");
    expect(template.segments).toEqual([
      { kind: "literal", value: "v1" },
      { kind: "literal", value: "shelves" },
      { kind: "single" },
      { kind: "literal", value: "books" },
      { kind: "multi" },
    ]);
    expect(template.variables).toEqual([{ fieldPath: "name", start: 1, end: 5 }]);
    expect(template.verb).toBe("publish");
  });

  it("reads {x} as {x=*} and keeps dotted field paths", () => {
    const template = parsePathTemplate("/v1/users/{user.id}/items/{item_id}");
    expect(template.segments[2]).toEqual({ kind: "single" });
    expect(template.variables).toEqual([
      { fieldPath: "user.id", start: 2, end: 3 },
      { fieldPath: "item_id", start: 4, end: 5 },
    ]);
    expect(template.verb).toBeUndefined();
  });

  it.each([
    ["v1/x", "must start with /"],
    ["/v1/{a", "unbalanced braces"],
    ["/v1/a}", "unbalanced braces"],
    ["/v1/{a={b}}", "unbalanced braces"],
    ["/v1/x{a}", "a variable must be a whole segment"],
    ["/v1/{a.}", "bad field path"],
    ["/v1/{1a}", "bad field path"],
    ["/v1/{a}/{a}", "a appears twice"],
    ["/v1/**/x", "** may only be last"],
    ["/v1/a b", "bad segment"],
    ["/v1//x", "bad segment"],
    ["/v1/x:", "bad verb"],
  ])("refuses %s (%s)", (source, why) => {
    expect(() => parsePathTemplate(source)).toThrow(why);
  });
});

describe("matchPathTemplate", () => {
  it("binds one-segment variables, fully percent-decoded", () => {
    expect(match("/v1/notifications/{username}", "/v1/notifications/ann")).toEqual({
      username: "ann",
    });
    expect(match("/v1/notifications/{username}", "/v1/notifications/a%2Fb%20c+d")).toEqual({
      username: "a/b c+d",
    });
  });

  it("refuses other lengths, other literals and empty segments", () => {
    const template = "/v1/notifications/{username}";
    expect(match(template, "/v1/notifications")).toBeUndefined();
    expect(match(template, "/v1/notifications/")).toBeUndefined();
    expect(match(template, "/v1/notifications/ann/x")).toBeUndefined();
    expect(match(template, "/v1/rules/ann")).toBeUndefined();
    expect(match(template, "/v1/notifications/ann/")).toBeUndefined();
  });

  it("binds ** to the rest of the path, keeping %2F encoded", () => {
    expect(match("/v1/files/{path=**}", "/v1/files/a/b%2Fc/d%20e")).toEqual({
      path: "a/b%2Fc/d e",
    });
    expect(match("/v1/files/{path=**}", "/v1/files")).toEqual({ path: "" });
  });

  it("binds a multi-segment variable with its literals", () => {
    expect(match("/v1/{name=shelves/*}/books", "/v1/shelves/s1/books")).toEqual({
      name: "shelves/s1",
    });
    expect(match("/v1/{name=shelves/*}/books", "/v1/racks/s1/books")).toBeUndefined();
  });

  it("matches a verb only at the end of the last segment", () => {
    expect(match("/v1/{name}:cancel", "/v1/op1:cancel")).toEqual({ name: "op1" });
    expect(match("/v1/{name}:cancel", "/v1/op1")).toBeUndefined();
    expect(match("/v1/{name}:cancel", "/v1/op1:undo")).toBeUndefined();
    expect(match("/v1/{name}:cancel", "/v1/:cancel")).toBeUndefined();
    expect(match("/v1/{name}", "/v1/op1:cancel")).toEqual({ name: "op1:cancel" });
  });

  it("splitRequestPath refuses invalid percent-encoding", () => {
    expect(splitRequestPath("/v1/%zz")).toBeUndefined();
    expect(splitRequestPath("/v1/%C3%28")).toBeUndefined();
    expect(splitRequestPath("/v1/a%20b")).toEqual(["v1", "a%20b"]);
  });
});

describe("compareSpecificity", () => {
  const sorted = (...sources: string[]) =>
    sources
      .map(parsePathTemplate)
      .sort(compareSpecificity)
      .map((t) => t.source);

  it("puts literals before * before **, then longer, then verbs", () => {
    expect(sorted("/v1/{x=**}", "/v1/{name}", "/v1/me")).toEqual([
      "/v1/me",
      "/v1/{name}",
      "/v1/{x=**}",
    ]);
    expect(sorted("/v1/{a}", "/v1/{a}/b")).toEqual(["/v1/{a}/b", "/v1/{a}"]);
    expect(sorted("/v1/{a}", "/v1/{a}:undo")).toEqual(["/v1/{a}:undo", "/v1/{a}"]);
  });
});

describe("expandPathTemplate", () => {
  it("fills variables, percent-encoding them", () => {
    const values: Record<string, string> = { username: "a b/c", path: "x/y z" };
    const valueFor = (field: string) => values[field] ?? "";
    expect(expandPathTemplate(parsePathTemplate("/v1/notifications/{username}"), valueFor)).toBe(
      "/v1/notifications/a%20b%2Fc",
    );
    expect(expandPathTemplate(parsePathTemplate("/v1/files/{path=**}:get"), valueFor)).toBe(
      "/v1/files/x/y%20z:get",
    );
  });
});
