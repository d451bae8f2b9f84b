import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

describe("an HTTP/1.1 client that trickles its request", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest("embedded", {
      server: { headers_timeout_ms: 300, body_timeout_ms: 300 },
    });
  });
  afterAll(async () => {
    await sut.close();
  });

  it("gets 408 and is disconnected once headers_timeout_ms passes", async () => {
    const socket = connect(sut.service.port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write("GET /v1/rules HTTP/1.1\r\nHost: x\r\n");
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
  });

  it("gets 408 when its body is not in within headers_timeout_ms + body_timeout_ms", async () => {
    const socket = connect(sut.service.port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      "POST /v1/notifications/ann HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 600\r\n\r\n{",
    );
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
  });

  it("does not cut a client that sends its request in time", async () => {
    const res = await fetch(`${sut.baseUrl}/v1/rules`);
    expect(res.status).toBe(200);
  });
});
