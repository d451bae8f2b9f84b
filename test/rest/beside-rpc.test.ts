import { connect, type IncomingHttpHeaders } from "node:http2";
import { describe, expect, it } from "vitest";
import { storeKinds } from "../support/service-under-test.js";
import { useRestService, uuid } from "./rest-client.js";

// REST on the API port beside gRPC and Connect: routes unknown to the
// annotations, X-Request-Id on every answer, h2c, and Connect JSON calls to
// the same methods working next to it.
describe.each(storeKinds)("REST beside the RPC protocols (%s store)", (kind) => {
  const { rest, service } = useRestService(kind);

  it.each([
    ["PATCH", "/v1/notifications/ann", "DELETE, GET, POST"],
    ["PUT", "/v1/notifications/ann", "DELETE, GET, POST"],
    ["GET", "/v1/rules/like", "DELETE, PUT"],
    ["POST", "/v1/rules", "GET"],
    ["HEAD", "/v1/rules", "GET"],
  ])("%s %s answers 405 with Allow: %s", async (method, path, allow) => {
    const res = await rest.send(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
    expect(res.headers.get("x-request-id")).toMatch(uuid);
    if (method !== "HEAD") expect(res.body.code).toBe(405);
  });

  it.each([
    "/",
    "/v1",
    "/v1/nothing",
    "/v1/notifications/ann/extra/more",
    "/v2/notifications/ann",
    "/v1/rules/like/extra",
  ])("GET %s answers 404 as JSON", async (path) => {
    const res = await rest.get(path);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 404, message: `no REST route matches GET ${path}` });
    expect(res.headers.get("x-request-id")).toMatch(uuid);
  });

  it("answers an RPC path that names no method as the RPC protocols do, not as REST", async () => {
    const res = await rest.get("/notification.v1.NotificationService/Nope");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      code: "unimplemented",
      message: "notification.v1.NotificationService has no method Nope",
    });
    expect(res.headers.get("x-request-id")).toMatch(uuid);
  });

  it("echoes a non-empty X-Request-Id on success and error; makes one up for an empty one", async () => {
    const ok = await rest.get("/v1/rules", { "x-request-id": "trace-1" });
    expect(ok.headers.get("x-request-id")).toBe("trace-1");
    const bad = await rest.get("/v1/notifications/ann", { "x-request-id": "trace-2", range: "x" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-request-id")).toBe("trace-2");
    const empty = await rest.get("/v1/rules", { "x-request-id": "" });
    expect(empty.headers.get("x-request-id")).toMatch(uuid);
    const a = (await rest.get("/v1/rules")).headers.get("x-request-id");
    const b = (await rest.get("/v1/rules")).headers.get("x-request-id");
    expect(a).not.toBe(b);
  });

  it("Connect JSON calls reach the same methods and data", async () => {
    const created = await rest.create("both", { category: "like", message: "over REST" });
    const listed = await fetch(
      `${service().baseUrl}/notification.v1.NotificationService/ListNotifications`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "both" }),
      },
    );
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { notifications: { id: string }[] };
    expect(body.notifications.map((n) => n.id)).toEqual([created.id]);
    const invalid = await fetch(`${service().baseUrl}/notification.v1.RuleService/PutRule`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ category: "x", rule: { max_size: 2 } }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: "invalid_argument" });
  });

  it("serves REST over h2c on the same port", async () => {
    await rest.create("h2", { category: "like", message: "hi" });
    const session = connect(service().baseUrl);
    try {
      const get = await h2Request(session, { ":method": "GET", ":path": "/v1/notifications/h2" });
      expect(get.headers[":status"]).toBe(200);
      expect(get.headers["accept-ranges"]).toBe("id");
      expect(get.headers["x-request-id"]).toMatch(uuid);
      expect(JSON.parse(get.body)).toHaveLength(1);
      const post = await h2Request(
        session,
        { ":method": "POST", ":path": "/v1/notifications/h2", "content-type": "application/json" },
        JSON.stringify({ category: "like", message: "over h2c" }),
      );
      expect(post.headers[":status"]).toBe(201);
      expect(post.headers.location).toBe("/v1/notifications/h2");
      const big = await h2Request(
        session,
        { ":method": "POST", ":path": "/v1/notifications/h2", "content-type": "application/json" },
        "x".repeat(70_000),
      );
      expect(big.headers[":status"]).toBe(413);
    } finally {
      session.close();
    }
  });
});

function h2Request(
  session: ReturnType<typeof connect>,
  headers: Record<string, string>,
  body?: string,
): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let text = "";
    let answered: IncomingHttpHeaders = {};
    stream.setEncoding("utf8");
    stream.on("response", (h) => {
      answered = h;
    });
    stream.on("data", (chunk: string) => {
      text += chunk;
    });
    stream.on("end", () => resolve({ headers: answered, body: text }));
    stream.on("error", reject);
    if (body !== undefined) stream.end(body);
  });
}
