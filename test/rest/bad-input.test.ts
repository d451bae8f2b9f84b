import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { useRestService } from "./rest-client.js";

const json = "application/json";
const valid = { category: "like", message: "hello" };

// Issue 4, item 3: every kind of bad input answers the right 4xx with a
// message naming the problem, writes nothing, and leaves the server serving.
describe.each(storeKinds)("REST bad input (%s store)", (kind) => {
  const { rest, service } = useRestService(kind);

  async function expectNothingStored(username = "victim") {
    const res = await rest.get(`/v1/notifications/${username}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  }

  it.each([
    ["malformed JSON", json, '{"category": "like",', 400, "the request body is not valid JSON"],
    ["a JSON array", json, "[1, 2]", 400, "must be a JSON object (got an array)"],
    ["a JSON string", json, '"hello"', 400, "must be a JSON object (got a string)"],
    ["a JSON number", json, "42", 400, "must be a JSON object (got a number)"],
    ["JSON null", json, "null", 400, "must be a JSON object (got null)"],
    ["an empty body", json, "", 400, "the request body is empty"],
    ["invalid UTF-8", json, Buffer.from([0x7b, 0xff, 0x7d]), 400, "not valid UTF-8"],
    ["no Content-Type", undefined, JSON.stringify(valid), 415, "(got none)"],
    [
      "text/plain",
      "text/plain",
      JSON.stringify(valid),
      415,
      "Content-Type must be application/json",
    ],
    ["a form", "application/x-www-form-urlencoded", "category=like", 415, "application/json"],
    [
      "a non-UTF-8 charset",
      `${json}; charset=latin1`,
      JSON.stringify(valid),
      415,
      "charset=latin1",
    ],
    ["an unknown field", json, '{"category":"like","message":"m","bogus":1}', 400, '"bogus"'],
    ["a number for a string", json, '{"category":5,"message":"m"}', 400, "category"],
    [
      "an object property value",
      json,
      '{"category":"like","message":"m","properties":{"a":{}}}',
      400,
      "properties",
    ],
    [
      "a missing category",
      json,
      '{"message":"m"}',
      400,
      "category must be 3 to 20 characters (got none)",
    ],
    [
      "a short category",
      json,
      '{"category":"ab","message":"m"}',
      400,
      "category must be 3 to 20 characters (got 2)",
    ],
    ["an empty message", json, '{"category":"like","message":""}', 400, "message must be 1 to 255"],
    [
      "a long message",
      json,
      JSON.stringify({ category: "like", message: "m".repeat(256) }),
      400,
      "message must be 1 to 255 characters (got 256)",
    ],
    [
      "33 properties",
      json,
      JSON.stringify({
        ...valid,
        properties: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"])),
      }),
      400,
      "properties must have at most 32 entries",
    ],
    [
      "a long property value",
      json,
      JSON.stringify({ ...valid, properties: { k: "v".repeat(1025) } }),
      400,
      'properties["k"] must be at most 1024',
    ],
  ])("POST with %s answers %s… and writes nothing", async (_, type, body, status, message) => {
    const res = await rest.send("POST", "/v1/notifications/victim", {
      headers: type ? { "content-type": type } : {},
      // Bytes, so that fetch adds no Content-Type of its own.
      body: Buffer.from(body),
    });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ code: status, message: expect.stringContaining(message) });
    await expectNothingStored();
  });

  it("refuses a compressed body with 415", async () => {
    const res = await rest.send("POST", "/v1/notifications/victim", {
      headers: { "content-type": json, "content-encoding": "gzip" },
      body: JSON.stringify(valid),
    });
    expect(res.status).toBe(415);
    expect(res.body.message).toContain('Content-Encoding "gzip" is not supported');
    await expectNothingStored();
  });

  it("refuses a body over 64 KiB with 413, declared or streamed", async () => {
    const big = JSON.stringify({ ...valid, properties: { k: "x".repeat(70_000) } });
    const declared = await rest.send("POST", "/v1/notifications/victim", {
      headers: { "content-type": json },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toEqual({
      code: 413,
      message: "the request body is larger than 65536 bytes",
    });
    const streamed = await chunkedPost(`${service().baseUrl}/v1/notifications/victim`, big);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text)).toMatchObject({ code: 413 });
    await expectNothingStored();
  });

  it.each([
    ["bad name!", "username must be 1 to 128 characters of A-Z a-z 0-9 . _ - @ +"],
    ["a%2Fb", 'username must be 1 to 128 characters of A-Z a-z 0-9 . _ - @ + (got "a/b")'],
    ["u".repeat(129), "username must be 1 to 128 characters"],
  ])("refuses the username %j on every route", async (username, message) => {
    const path = `/v1/notifications/${username.replace(" ", "%20")}`;
    for (const res of [
      await rest.post(path, valid),
      await rest.get(path),
      await rest.delete(path),
      await rest.delete(`${path}?ids=x`),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
    }
  });

  it.each([
    ["bytes=0-99"],
    ["items=0-24"],
    [""],
    ["id"],
    ["id 1..26; max=1"],
    ["id;max=abc"],
    ["id ]not-an-id..; max=5"],
  ])("refuses the Range %j with 400 and the grammar", async (range) => {
    await rest.create("ranged", valid);
    const res = await rest.get("/v1/notifications/ranged", { range });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('"id;max=N", "id <from>..; max=N" or "id ]<from>..; max=N"');
  });

  it("a refused Range does not move the cursor", async () => {
    await rest.create("cursor-kept", valid);
    await rest.get("/v1/notifications/cursor-kept", { range: "id;max=0" });
    expect((await rest.get("/v1/notifications/cursor-kept")).body[0].unseen).toBe(true);
  });

  it.each([
    ["/v1/notifications/q?page_size=abc", 'query parameter "page_size" must be an integer'],
    ["/v1/notifications/q?page_size=1.5", 'query parameter "page_size" must be an integer'],
    ["/v1/notifications/q?page_size=-1", "page_size must not be negative (got -1)"],
    [
      "/v1/notifications/q?page_size=1&page_size=2",
      'query parameter "page_size" must be given once',
    ],
    ["/v1/notifications/q?page_token=garbage", "page_token is not a token this service issued"],
    // "v1:xbad": a token's shape around an id that is not one.
    ["/v1/notifications/q?page_token=djE6eGJhZA", "page_token is not a token this service issued"],
    ["/v1/notifications/q?limit=5", 'unknown query parameter "limit"'],
    ["/v1/notifications/q?ids=x", 'unknown query parameter "ids"'],
    ["/v1/notifications/q?username=other", "sets username, which the request already sets"],
  ])("refuses GET %s", async (path, message) => {
    const res = await rest.get(path);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it("refuses more than 1000 ids in one delete, and deletes none of them", async () => {
    const kept = await rest.create("many", valid);
    // Short ids keep the URL under Node's 16 KiB header limit; they count all the same.
    const ids = [kept.id, ...Array.from({ length: 1000 }, (_, i) => `x${i}`)].join(",");
    const res = await rest.delete(`/v1/notifications/many?ids=${ids}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("ids must name at most 1000 notifications (got 1001)");
    expect((await rest.get("/v1/notifications/many")).body).toHaveLength(1);
  });

  it("rules: a bad body or Content-Type is refused and writes no rule", async () => {
    const cases: [RequestInit, number][] = [
      [{ headers: { "content-type": json }, body: "[]" }, 400],
      [{ headers: { "content-type": json }, body: "{" }, 400],
      [{ headers: { "content-type": json }, body: '"max_size"' }, 400],
      [{ body: '{"max_size":2}' }, 415],
      [
        {
          headers: { "content-type": json },
          body: JSON.stringify({ match_on: "x".repeat(70_000) }),
        },
        413,
      ],
    ];
    for (const [init, status] of cases) {
      expect((await rest.send("PUT", "/v1/rules/refused", init)).status).toBe(status);
    }
    expect((await rest.get("/v1/rules")).body).toEqual({});
  });

  it("keeps serving after all of it", async () => {
    const created = await rest.create("survivor", valid);
    expect((await rest.get("/v1/notifications/survivor")).body[0].id).toBe(created.id);
  });
});

/** POSTs a body in chunks without a Content-Length, as a streaming client would. */
function chunkedPost(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": json } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    for (let i = 0; i < body.length; i += 8192) req.write(body.slice(i, i + 8192));
    req.end();
  });
}
