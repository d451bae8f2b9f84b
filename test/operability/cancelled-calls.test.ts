import { spawn } from "node:child_process";
import { createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { describe, expect, it, vi } from "vitest";
import { StreamService } from "../../src/gen/notification/v1/stream_pb.js";
import { useLoggedService } from "../support/logged-service.js";
import { sample, scrape } from "./metrics-text.js";

// A client that goes away is not a server fault: its call is logged and
// counted `canceled`, at info, whatever error the call met on its way out.

const reflection = "grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
const subscribe = "notification.v1.StreamService/Subscribe";

describe("calls their client cancelled", () => {
  const { sut, lines, logOf } = useLoggedService();

  const internal = async (method: string) =>
    sample(await scrape(sut().adminUrl), "notification_rpc_requests_total", {
      method,
      code: "internal",
    }) ?? 0;

  it("buf curl interrupted while it streams (reflection, then Subscribe): both canceled", async () => {
    const from = lines.length;
    // Its own process group, so that the signal reaches the buf binary
    // behind npm's launcher, as Ctrl-C in a terminal would.
    const child = spawn(
      "node_modules/.bin/buf",
      [
        "curl",
        "--protocol",
        "grpc",
        "--http2-prior-knowledge",
        "-d",
        '{"username":"interrupted"}',
        `${sut().baseUrl}/${subscribe}`,
      ],
      { detached: true, stdio: ["ignore", "pipe", "ignore"] },
    );
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise((resolve) => child.stdout.once("data", resolve));
    process.kill(-(child.pid ?? 0), "SIGINT");
    await exited;
    const ended = () => lines.slice(from).filter((line) => line.msg !== undefined && line.method);
    await vi.waitFor(() => {
      expect(ended().map((line) => line.method)).toEqual(
        expect.arrayContaining([reflection, subscribe]),
      );
    });
    for (const line of ended()) {
      expect(line).toMatchObject({ code: "canceled", level: 30 });
    }
    expect(await internal(reflection)).toBe(0);
  });

  const transports: Record<string, (baseUrl: string) => Transport> = {
    "gRPC (h2c)": (baseUrl) => createGrpcTransport({ baseUrl }),
    "gRPC-Web (HTTP/1.1)": (baseUrl) => createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
    "Connect (HTTP/1.1)": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "1.1" }),
    "Connect (h2c)": (baseUrl) => createConnectTransport({ baseUrl, httpVersion: "2" }),
  };

  it.each(Object.entries(transports))(
    "a Subscribe its client drops over %s ends canceled, at info",
    async (name, transport) => {
      const requestId = `dropped-${name}`;
      const abort = new AbortController();
      const stream = createClient(StreamService, transport(sut().baseUrl)).subscribe(
        { username: "dropper" },
        { signal: abort.signal, headers: { "x-request-id": requestId } },
      );
      await stream[Symbol.asyncIterator]().next();
      abort.abort();
      await vi.waitFor(() => expect(logOf(requestId)).toHaveLength(1));
      expect(logOf(requestId)[0]).toMatchObject({
        method: subscribe,
        code: "canceled",
        level: 30,
      });
      expect(await internal(subscribe)).toBe(0);
    },
  );
});
