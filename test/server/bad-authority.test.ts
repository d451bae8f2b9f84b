import { connect as connectHttp2 } from "node:http2";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";

const listPath = "/notification.v1.NotificationService/ListNotifications";

/** Sends `request` as it is over a new connection; resolves to the status line and body. */
function rawHttp1(port: number, request: string): Promise<{ status: string; body: string }> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n\r\n")) socket.end();
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", body = ""] = answer.split("\r\n\r\n");
      resolve({ status: head.split("\r\n")[0] ?? "", body });
    });
  });
}

// connect-node threw outside any promise on such a request, ending the process.
describe("a request whose Host or :authority the server cannot use", () => {
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    sut = await startServiceUnderTest("embedded");
  });
  afterAll(async () => {
    await sut.close();
  });

  const stillServes = async () => {
    const res = await fetch(`${sut.baseUrl}${listPath}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"username":"ann"}',
    });
    expect(res.status).toBe(200);
  };

  it.each([
    ["an IPv6 address without brackets", "Host: ::1:8080\r\n", "HTTP/1.1"],
    ["no Host at all (HTTP/1.0)", "", "HTTP/1.0"],
  ])(
    "HTTP/1.1 with %s answers 400 saying so, and the server serves on",
    async (_case, host, version) => {
      const { status, body } = await rawHttp1(
        sut.service.port,
        `POST ${listPath} ${version}\r\n${host}Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
      expect(status).toBe("HTTP/1.1 400 Bad Request");
      expect(body).toBe(
        "the request's Host header (HTTP/2: :authority) is missing or is not host[:port]\n",
      );
      await stillServes();
    },
  );

  it("HTTP/2 with an unbracketed IPv6 :authority answers 400, and the server serves on", async () => {
    const session = connectHttp2(sut.baseUrl);
    try {
      const stream = session.request({
        ":method": "POST",
        ":path": listPath,
        ":authority": "::1:8080",
        "content-type": "application/json",
      });
      stream.end("{}");
      const status = await new Promise<number | undefined>((resolve, reject) => {
        stream.once("response", (headers) => resolve(headers[":status"]));
        stream.once("error", reject);
      });
      expect(status).toBe(400);
    } finally {
      session.close();
    }
    await stillServes();
  });
});
