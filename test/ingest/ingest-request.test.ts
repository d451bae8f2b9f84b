import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/validation-error.js";
import { parseIngestRequest } from "../../src/ingest/ingest-request.js";

function rejection(json: string): ValidationError {
  try {
    parseIngestRequest(json);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`${json} was accepted`);
}

describe("parseIngestRequest", () => {
  it("reads a single create with proto field names", () => {
    const parsed = parseIngestRequest(
      '{"username":"ann","category":"new-follower","message":"Bob followed you","properties":{"from":"bob"},"idempotency_key":"k1"}',
    );
    expect(parsed.kind).toBe("single");
    expect(parsed.request).toMatchObject({
      username: "ann",
      category: "new-follower",
      message: "Bob followed you",
      properties: { from: "bob" },
      idempotencyKey: "k1",
    });
  });

  it("reads camelCase JSON names too, as the API does", () => {
    const parsed = parseIngestRequest(
      '{"username":"ann","category":"like","message":"hi","idempotencyKey":"k2"}',
    );
    expect(parsed.request.idempotencyKey).toBe("k2");
  });

  it("reads usernames as a fan-out", () => {
    const parsed = parseIngestRequest(
      '{"usernames":["ann","bob"],"category":"like","message":"hi","key":"post:1"}',
    );
    expect(parsed.kind).toBe("fan-out");
    expect(parsed.request).toMatchObject({ usernames: ["ann", "bob"], key: "post:1" });
  });

  it("leaves the values' rules to the create path (an empty request parses)", () => {
    expect(parseIngestRequest("{}").request).toMatchObject({ username: "", category: "" });
  });

  const cases: [string, string, string, RegExp][] = [
    ["text that is not JSON", "{bad", "request", /^request is not JSON: /],
    ["a cut-off object", '{"username":"ann"', "request", /^request is not JSON: /],
    ["an array", '["ann"]', "request", /^request must be a JSON object \(got an array\)$/],
    ["a string", '"ann"', "request", /^request must be a JSON object \(got "ann"\)$/],
    ["null", "null", "request", /^request must be a JSON object \(got null\)$/],
    ["an unknown field", '{"username":"ann","bogus":1}', "bogus", /key "bogus" is unknown/],
    [
      "a number for a string",
      '{"username":5}',
      "username",
      /CreateNotificationRequest\.username from JSON: expected string, got 5/,
    ],
    [
      "a property that is not a string",
      '{"username":"ann","properties":{"a":1}}',
      "properties",
      /properties from JSON: map entry "a": expected string, got 1/,
    ],
    [
      "usernames that is not a list",
      '{"usernames":"ann"}',
      "usernames",
      /CreateNotificationsRequest\.usernames from JSON: expected Array/,
    ],
    [
      "a username in usernames that is not a string",
      '{"usernames":["ann",1]}',
      "usernames",
      /usernames from JSON: list item #2: expected string, got 1/,
    ],
    [
      "both username and usernames",
      '{"username":"ann","usernames":["bob"]}',
      "usernames",
      /^request has both username and usernames/,
    ],
    [
      "an idempotency_key that is not a string",
      '{"username":"ann","idempotency_key":7}',
      "idempotency_key",
      /idempotencyKey from JSON|idempotency_key from JSON/,
    ],
  ];

  it.each(cases)("refuses %s, naming the field", (_name, json, field, message) => {
    const error = rejection(json);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});
