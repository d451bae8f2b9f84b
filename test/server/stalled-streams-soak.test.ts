import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { type ClientHttp2Session, connect } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type ChildService,
  childServiceTestTimeoutMs,
  startChildService,
} from "../support/child-service.js";

const connections = 20;
const streamsPerConnection = 100;

/** The child's resident set size, in bytes, from /proc. */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/**
 * Opens `perSession` gRPC calls on each session that promise a 60,000-byte
 * message and send 10 bytes of it; resolves with each call's grpc-status
 * once the server has ended them all.
 */
function stall(sessions: readonly ClientHttp2Session[], perSession: number): Promise<string[]> {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(60_000, 1);
  const partial = Buffer.concat([prefix, Buffer.alloc(10)]);
  const calls = sessions.flatMap((session) =>
    Array.from({ length: perSession }, () => {
      const stream = session.request({
        ":method": "POST",
        ":path": "/notification.v1.NotificationService/CreateNotification",
        "content-type": "application/grpc",
        te: "trailers",
      });
      stream.write(partial);
      stream.resume();
      stream.on("error", () => undefined);
      let status = "no answer";
      stream.on("trailers", (trailers) => {
        status = String(trailers["grpc-status"]);
      });
      return new Promise<string>((resolve) => stream.once("close", () => resolve(status)));
    }),
  );
  return Promise.all(calls);
}

function open(baseUrl: string, count: number): ClientHttp2Session[] {
  return Array.from({ length: count }, () => {
    const session = connect(baseUrl);
    session.on("error", () => undefined);
    return session;
  });
}

describe("soak: 2,000 stalled HTTP/2 request bodies", () => {
  let dir: string;
  let service: ChildService;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "notification-soak-"));
    const config = join(dir, "config.yml");
    await writeFile(
      config,
      [
        "server:",
        "  port: 0",
        "  admin_port: 0",
        "  host: 127.0.0.1",
        "  body_timeout_ms: 2000",
        "  idle_timeout_ms: 1000",
        "storage:",
        `  data_dir: ${join(dir, "data")}`,
        "log:",
        // The start-up line, at info, gives the port.
        "  level: info",
        "",
      ].join("\n"),
    );
    service = await startChildService({ CONFIG: config }, [
      "--expose-gc",
      "--import",
      "./test/support/gc-on-signal.ts",
    ]);
  }, childServiceTestTimeoutMs);
  afterAll(async () => {
    if (service?.child.exitCode === null) service.child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it(
    "ends every one with DEADLINE_EXCEEDED and leaves RSS within 20 % of its start",
    async () => {
      const pid = service.child.pid ?? 0;
      // Warm up the code paths once, so the start is measured after them.
      const warmUp = open(service.baseUrl, 1);
      expect(new Set(await stall(warmUp, 10))).toEqual(new Set(["4"]));
      for (const s of warmUp) s.destroy();
      service.child.kill("SIGUSR2");
      await new Promise((resolve) => setTimeout(resolve, 500));
      const start = rssOf(pid);

      const sessions = open(service.baseUrl, connections);
      let peak = start;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssOf(pid));
      }, 100);
      const statuses = await stall(sessions, streamsPerConnection);
      clearInterval(sampler);
      for (const s of sessions) s.destroy();
      expect(statuses).toHaveLength(connections * streamsPerConnection);
      expect(new Set(statuses)).toEqual(new Set(["4"]));

      let end = 0;
      await vi.waitFor(
        () => {
          service.child.kill("SIGUSR2");
          end = rssOf(pid);
          expect(end).toBeLessThanOrEqual(start * 1.2);
        },
        { timeout: 20_000, interval: 1000 },
      );
      const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
      console.info(`RSS: start ${mib(start)}, peak ${mib(peak)}, end ${mib(end)}`);
      expect(service.output()).not.toMatch(/"level":50/);
    },
    childServiceTestTimeoutMs + 30_000,
  );
});
