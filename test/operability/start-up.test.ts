import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import {
  type ChildService,
  runChildServiceToExit,
  startChildService,
} from "../support/child-service.js";
import { startRiakTestCluster } from "../support/riak-node/index.js";

// The real process, as an operator starts it: what start-up says, and how it
// refuses what it cannot use (a bounded wait: a start-up that hangs fails).
// Each test starts tsx in a child process: slow on a busy machine.
describe("start-up of the process", { timeout: 60_000 }, () => {
  let dir: string;
  const children: ChildService[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "notification-start-up-"));
  });
  afterEach(async () => {
    for (const { child, exited } of children.splice(0)) {
      child.kill("SIGTERM");
      await exited;
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a bad configuration exits 2 with one line per bad key, naming the key and the variable", async () => {
    const { code, stderr } = await runChildServiceToExit({
      DATA_DIR: dir,
      PORT: "1e3",
      RIAK_NODES: "host:notaport",
      REDIS_URL: "garbage",
      LOG_LEVEL: "chatty",
    });
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^config error: config\.yml: server\.port \(from PORT\) must be a port number/,
      ),
      expect.stringMatching(
        /^config error: config\.yml: riak\.nodes \(from RIAK_NODES\) is not a node list: invalid Riak node "host:notaport"/,
      ),
      expect.stringMatching(
        /^config error: config\.yml: redis\.url \(from REDIS_URL\) must be empty or a URL/,
      ),
      expect.stringMatching(
        /^config error: config\.yml: log\.level \(from LOG_LEVEL\) must be one of/,
      ),
    ]);
  });

  it("RIAK_NODES=null is a bad node list, not the embedded store", async () => {
    const { code, stderr } = await runChildServiceToExit({ DATA_DIR: dir, RIAK_NODES: "null" });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^config error: config\.yml: riak\.nodes \(from RIAK_NODES\) must list host:port entries \(got "null"/,
    );
  });

  it.each([
    ["under /proc", () => "/proc/notification-start-up", /accepts no new directory \(ENOENT/],
    ["a file", () => join(dir, "a-file"), /is not a directory$/],
    ["below a file", () => join(dir, "a-file", "data"), /cannot be created \(ENOTDIR/],
    [
      "not permitted",
      () => "/sys/notification-start-up",
      /cannot be created \((EPERM|EACCES|EROFS)/,
    ],
  ])(
    "an unusable DATA_DIR (%s) exits 1 at once with one line saying why",
    async (_case, path, why) => {
      await writeFile(join(dir, "a-file"), "");
      const { code, stdout, stderr } = await runChildServiceToExit({ DATA_DIR: path() });
      expect(code).toBe(1);
      const lines = stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^start-up failed: cannot use "${path().replaceAll("/", "\\/")}" as the embedded store's directory: `,
        ),
      );
      expect(lines[0]).toMatch(why);
      expect(stdout).not.toMatch(/listening/);
    },
  );

  it("HOST=:: listens on every IPv6 (and IPv4) address; the start-up line names the store and the event bus", async () => {
    const service = await startChildService({ HOST: "::", DATA_DIR: join(dir, "v6") });
    children.push(service);
    const line = startUpLine(service.output());
    expect(line).toMatchObject({ store: `embedded at ${join(dir, "v6")}`, eventBus: "in-process" });
    expect(line.msg).toMatch(
      /; store: embedded at .*; event bus: in-process; email: digests off \(email\.smtp_url is empty\)$/,
    );
    // fetch, not connect-node's client: that one sends an IPv6 :authority without brackets.
    const res = await fetch(`http://[::1]:${service.port}/v1/notifications/ann`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it("RIAK_NODES='[::1]:<port>' starts on Riak over IPv6", async () => {
    const riak = await startRiakTestCluster({
      nodes: 1,
      host: "::1",
      bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
    });
    try {
      const port = riak.nodes[0]?.port;
      const service = await startChildService({ RIAK_NODES: `[::1]:${port}` });
      children.push(service);
      expect(startUpLine(service.output())).toMatchObject({ store: "riak with 1 node" });
      const client = createClient(
        NotificationService,
        createGrpcTransport({ baseUrl: service.baseUrl }),
      );
      await client.createNotification({ username: "ivo", category: "like", message: "over IPv6" });
      const listed = await client.listNotifications({ username: "ivo" });
      expect(listed.notifications.map((n) => n.message)).toEqual(["over IPv6"]);
    } finally {
      for (const { child, exited } of children.splice(0)) {
        child.kill("SIGTERM");
        await exited;
      }
      await riak.close();
    }
  });

  it("warns when Redis is configured but unreachable, and starts all the same", async () => {
    const service = await startChildService({
      DATA_DIR: join(dir, "redis"),
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    children.push(service);
    expect(startUpLine(service.output())).toMatchObject({ eventBus: "redis" });
    // Beside the warning of auth.mode none.
    const warning = logLines(service.output()).find((l) => l.level === 40 && l.auth !== "none");
    expect(warning?.msg).toBe(
      "Redis (redis.url) is configured but unreachable: live streams are refused until it answers",
    );
  });
});

interface LogLine {
  readonly level?: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

function logLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

function startUpLine(output: string): LogLine {
  const line = logLines(output).find((l) => l.msg?.startsWith("notification service listening"));
  if (line === undefined) throw new Error(`no start-up line in:\n${output}`);
  return line;
}

/** A loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === "object" && address !== null ? address.port : 0;
}
