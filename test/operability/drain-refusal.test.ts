import { Agent, request } from "node:http";
import { connect as connectHttp2 } from "node:http2";
import { connect, type Socket } from "node:net";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { type RunningService, startService } from "../../src/service.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

/** Messages of every notification stored for `username`, read through a fresh instance. */
async function storedMessages(service: RunningService, username: string): Promise<string[]> {
  const client = createClient(
    NotificationService,
    createGrpcTransport({ baseUrl: `http://127.0.0.1:${service.port}` }),
  );
  const { notifications } = await client.listNotifications({ username, pageSize: 1000 });
  return notifications.map((n) => n.message).sort();
}

/** One HTTP/1.1 response read off a raw socket. */
interface Http1Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
}

/** Reads one response (headers and a Content-Length body) from `socket`. */
function readAnswer(socket: Socket): Promise<Http1Answer> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      if (text.length < end + 4 + Number(headers["content-length"] ?? 0)) return;
      socket.off("data", onData);
      socket.off("close", onClose);
      resolve({ status: Number(statusLine.split(" ")[1]), headers });
    };
    const onClose = () => reject(new Error(`the connection closed after: ${JSON.stringify(text)}`));
    socket.on("data", onData);
    socket.once("close", onClose);
  });
}

/** Reads one response and its body (Content-Length) from `socket`. */
function readAnswerWithBody(socket: Socket): Promise<Http1Answer & { body: string }> {
  let text = "";
  const onData = (chunk: Buffer) => {
    text += chunk.toString("latin1");
  };
  socket.on("data", onData);
  return readAnswer(socket).then((answer) => {
    socket.off("data", onData);
    return { ...answer, body: text.slice(text.indexOf("\r\n\r\n") + 4) };
  });
}

async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  await new Promise((resolve) => socket.once("connect", resolve));
  return socket;
}

function restCreate(username: string, message: string): string {
  const body = JSON.stringify({ category: "drain", message });
  return [
    `POST /v1/notifications/${username} HTTP/1.1`,
    "Host: localhost",
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join("\r\n");
}

describe("draining answers what it executes and refuses the rest before executing", () => {
  let sut: ServiceUnderTest | undefined;
  let reopened: RunningService | undefined;
  afterEach(async () => {
    await reopened?.close();
    reopened = undefined;
    await sut?.close();
    sut = undefined;
  });

  it("HTTP/1.1: the answer of a call in flight says Connection: close, and a request sent after it on that socket is not stored", async () => {
    sut = await startServiceUnderTest("riak", { server: { drain_ms: 10_000 } });
    const cluster = sut.riak;
    if (!cluster) throw new Error("no Riak cluster");
    const socket = connect(sut.service.port, "127.0.0.1");
    socket.on("error", () => undefined);
    await new Promise((resolve) => socket.once("connect", resolve));
    const closed = new Promise((resolve) => socket.once("close", resolve));
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
    });

    const before = cluster.nodes.reduce((sum, node) => sum + node.requestCount, 0);
    for (const node of cluster.nodes) node.setDelay(300);
    const first = readAnswer(socket);
    socket.write(restCreate("kept-alive", "in flight"));
    await vi.waitFor(() =>
      expect(cluster.nodes.reduce((sum, n) => sum + n.requestCount, 0)).toBeGreaterThan(before),
    );
    const closing = sut.service.close();
    const answer = await first;
    expect(answer.status).toBe(201);
    expect(answer.headers.connection).toBe("close");
    // A client that sends its next request anyway, as soon as it has the answer.
    received = "";
    if (!socket.destroyed) socket.write(restCreate("kept-alive", "after the answer"));
    await closed;
    expect(received).not.toMatch(/^HTTP\/1\.1 2/);
    await closing;

    for (const node of cluster.nodes) node.setDelay(0);
    reopened = await startService(sut.config);
    expect(await storedMessages(reopened, "kept-alive")).toEqual(["in flight"]);
  });

  it("refuses with 503 and Connection: close an HTTP/1.1 request on a connection that was silent until the drain began", async () => {
    sut = await startServiceUnderTest("embedded", { server: { drain_ms: 10_000 } });
    const socket = await openSocket(sut.service.port);
    const closing = sut.service.close();
    const answer = readAnswerWithBody(socket);
    socket.write(restCreate("late", "after the drain began"));
    const { status, headers, body } = await answer;
    expect(status).toBe(503);
    expect(headers.connection).toBe("close");
    expect(JSON.parse(body)).toEqual({
      code: 503,
      message: "the server is shutting down; retry on another instance",
    });
    await closing;
    reopened = await startService(sut.config);
    expect(await storedMessages(reopened, "late")).toEqual([]);
  });

  it("sends GOAWAY at once to an HTTP/2 connection whose preface came after the drain began", async () => {
    sut = await startServiceUnderTest("embedded", { server: { drain_ms: 10_000 } });
    const socket = await openSocket(sut.service.port);
    const closing = sut.service.close();
    const session = connectHttp2(sut.baseUrl, { createConnection: () => socket });
    session.on("error", () => undefined);
    const goaway = new Promise<number>((resolve) =>
      session.once("goaway", (_code, last) => resolve(last)),
    );
    const stream = session.request({
      ":method": "POST",
      ":path": "/notification.v1.NotificationService/CreateNotification",
      "content-type": "application/json",
    });
    stream.on("error", () => undefined);
    stream.end(JSON.stringify({ username: "late-h2", category: "drain", message: "after" }));
    let status: unknown;
    stream.on("response", (h) => {
      status = h[":status"];
    });
    // No stream was taken: the client may retry it elsewhere.
    expect(await goaway).toBe(0);
    await new Promise((resolve) => stream.once("close", resolve));
    expect(status).toBeUndefined();
    session.destroy();
    await closing;
    reopened = await startService(sut.config);
    expect(await storedMessages(reopened, "late-h2")).toEqual([]);
  });

  it("under create loops over kept-alive HTTP/1.1 and HTTP/2, stores exactly the creates answered 2xx", async () => {
    sut = await startServiceUnderTest("embedded", { server: { drain_ms: 10_000 } });
    const { port } = sut.service;
    const baseUrl = sut.baseUrl;
    const acked = new Map<string, string[]>();

    // Each loop creates for a user of its own until a call fails to connect.
    async function http1Loop(
      username: string,
      path: (i: number) => string,
      body: (i: number) => string,
    ) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const ok: string[] = [];
      acked.set(username, ok);
      try {
        for (let i = 0; i < 100_000; i++) {
          const status = await new Promise<number | undefined>((resolve, reject) => {
            const req = request(
              {
                host: "127.0.0.1",
                port,
                path: path(i),
                method: "POST",
                agent,
                headers: { "content-type": "application/json" },
              },
              (res) => {
                res.resume();
                res.once("end", () => resolve(res.statusCode));
                res.once("error", reject);
              },
            );
            req.once("error", reject);
            req.end(body(i));
          });
          if (status !== undefined && status >= 200 && status < 300) ok.push(`${username} ${i}`);
        }
      } catch {
        // Refused or cut: this loop is done.
      } finally {
        agent.destroy();
      }
    }

    async function rpcLoop(username: string, transport: ReturnType<typeof createGrpcTransport>) {
      const client = createClient(NotificationService, transport);
      const ok: string[] = [];
      acked.set(username, ok);
      for (let i = 0; i < 100_000; i++) {
        try {
          await client.createNotification({
            username,
            category: "drain",
            message: `${username} ${i}`,
          });
          ok.push(`${username} ${i}`);
        } catch {
          return;
        }
      }
    }

    const rest = (user: string) =>
      http1Loop(
        user,
        () => `/v1/notifications/${user}`,
        (i) => JSON.stringify({ category: "drain", message: `${user} ${i}` }),
      );
    const connectJson = (user: string) =>
      http1Loop(
        user,
        () => "/notification.v1.NotificationService/CreateNotification",
        (i) => JSON.stringify({ username: user, category: "drain", message: `${user} ${i}` }),
      );
    const loops = [
      rest("rest-a"),
      rest("rest-b"),
      connectJson("connect-a"),
      connectJson("connect-b"),
      rpcLoop("grpc-a", createGrpcTransport({ baseUrl })),
      rpcLoop("connect-h2", createConnectTransport({ baseUrl, httpVersion: "2" })),
    ];
    await vi.waitFor(
      () => {
        for (const ok of acked.values()) expect(ok.length).toBeGreaterThanOrEqual(20);
      },
      { timeout: 20_000 },
    );
    await sut.service.close();
    await Promise.all(loops);

    reopened = await startService(sut.config);
    for (const [username, ok] of acked) {
      expect(await storedMessages(reopened, username), username).toEqual([...ok].sort());
    }
  });
});
