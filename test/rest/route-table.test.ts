import { describe, expect, it } from "vitest";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import { buildRoutes, findRoute } from "../../src/rest/route-table.js";
import { buildProbeService, ProbeService, type Rule } from "./probe-service.js";

const routes = buildRoutes(ProbeService.methods.map((method) => ({ method })));

function found(httpMethod: string, path: string) {
  const match = findRoute(routes, httpMethod, path);
  if (match.kind !== "found") return match.kind;
  return { method: match.route.method.name, variables: Object.fromEntries(match.variables) };
}

describe("buildRoutes", () => {
  it("reads every binding, additional ones included, most specific first", () => {
    expect(routes.map((r) => `${r.httpMethod} ${r.template.source}`)).toEqual([
      "GET /v1/probes/me",
      "PUT /v1/probes/{text}/inner",
      "GET /v1/inner/{inner.name}/{small}",
      "POST /v1/probes/{text}:cancel",
      "GET /v1/probes/{text}",
      "GET /v1/files/{text=**}",
      "POST /v1/probes:echo",
      "SEARCH /v1/probes",
    ]);
    const inner = routes.find((r) => r.template.source === "/v1/probes/{text}/inner");
    expect(inner?.bodyField?.name).toBe("inner");
    expect(inner?.responseField?.name).toBe("inner");
    const whole = routes.find((r) => r.template.source === "/v1/probes:echo");
    expect(whole?.hasBody).toBe(true);
    expect(whole?.bodyField).toBeUndefined();
  });

  it("skips methods without an annotation", () => {
    expect(buildRoutes(StreamService.methods.map((method) => ({ method })))).toEqual([]);
  });

  const refusals: [string, Rule | undefined, string, boolean?][] = [
    [
      "a streaming method",
      { pattern: { case: "get", value: "/v1/x" } },
      "unary methods only",
      true,
    ],
    ["no pattern", { body: "*" }, "has no verb and path"],
    ["a bad template", { pattern: { case: "get", value: "v1/x" } }, "must start with /"],
    ["an unknown path field", { pattern: { case: "get", value: "/v1/{nope}" } }, "nope names no"],
    ["a message path field", { pattern: { case: "get", value: "/v1/{inner}" } }, "inner names no"],
    ["a repeated path field", { pattern: { case: "get", value: "/v1/{tags}" } }, "tags names no"],
    [
      "an unknown body field",
      { pattern: { case: "post", value: "/v1/x" }, body: "nope" },
      'body "nope"',
    ],
    [
      "an unknown response field",
      { pattern: { case: "get", value: "/v1/x" }, responseBody: "nope" },
      'response_body "nope"',
    ],
  ];
  it.each(refusals)("refuses %s at start-up", (_, rule, message, streaming = false) => {
    const { service } = buildProbeService([{ name: "Bad", streaming, ...(rule && { rule }) }]);
    expect(() => buildRoutes(service.methods.map((method) => ({ method })))).toThrow(
      `test.rest.v1.ProbeService.Bad: `,
    );
    expect(() => buildRoutes(service.methods.map((method) => ({ method })))).toThrow(message);
  });
});

describe("findRoute", () => {
  it("finds the route and its variables", () => {
    expect(found("GET", "/v1/probes/me")).toEqual({ method: "Me", variables: {} });
    expect(found("GET", "/v1/probes/you")).toEqual({ method: "Echo", variables: { text: "you" } });
    expect(found("PUT", "/v1/probes/a%20b/inner")).toEqual({
      method: "Echo",
      variables: { text: "a b" },
    });
    expect(found("GET", "/v1/inner/n/3")).toEqual({
      method: "Nested",
      variables: { "inner.name": "n", small: "3" },
    });
  });

  it("falls back to a less specific template that allows the method", () => {
    // Both Me and Echo match the path; neither takes DELETE.
    expect(findRoute(routes, "DELETE", "/v1/probes/me")).toEqual({
      kind: "wrong-method",
      allow: ["GET"],
    });
    // POST x:cancel matches Cancel even though GET {text} also matches the path.
    expect(found("POST", "/v1/probes/x:cancel")).toEqual({
      method: "Cancel",
      variables: { text: "x" },
    });
  });

  it("tells an unknown path from a badly encoded one", () => {
    expect(findRoute(routes, "GET", "/v2/probes")).toEqual({ kind: "not-found" });
    expect(findRoute(routes, "GET", "/v1/probes/%zz")).toEqual({ kind: "bad-path" });
  });
});
