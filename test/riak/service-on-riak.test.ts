import { spawn } from "node:child_process";
import { fromBinary } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  InboxHeadRecordSchema,
  RuleSetRecordSchema,
} from "../../src/gen/notification/storage/v1/records_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { RiakBucketTypeError } from "../../src/riak/check-bucket-type.js";
import { RiakClient } from "../../src/riak/client.js";
import { type RunningService, startService } from "../../src/service.js";
import {
  type BucketTypeConfig,
  type RiakTestCluster,
  startRiakTestCluster,
} from "../support/riak-node/index.js";
import {
  mergeConfig,
  type ServiceUnderTest,
  startServiceUnderTest,
} from "../support/service-under-test.js";

const bucketType = "notifications";

/** What a client of one instance holds: both services over Connect on HTTP/1.1. */
interface Clients {
  readonly notifications: Client<typeof NotificationService>;
  readonly rules: Client<typeof RuleService>;
}

function clientsOf(port: number): Clients {
  const transport = createConnectTransport({
    baseUrl: `http://127.0.0.1:${port}`,
    httpVersion: "1.1",
  });
  return {
    notifications: createClient(NotificationService, transport),
    rules: createClient(RuleService, transport),
  };
}

/** The service's configuration over the given Riak nodes, on free ports, quiet. */
const configFor = (nodes: string) =>
  mergeConfig({
    server: { port: 0, admin_port: 0, host: "127.0.0.1" },
    riak: { nodes },
    log: { level: "silent" },
  });

describe("two service instances on a 3-node Riak test cluster", () => {
  let sut: ServiceUnderTest;
  let second: RunningService;
  let riak: RiakTestCluster;
  let one: Clients;
  let two: Clients;
  beforeAll(async () => {
    sut = await startServiceUnderTest("riak");
    if (sut.riak === undefined) throw new Error("the service under test has no Riak cluster");
    riak = sut.riak;
    // The second instance lists the nodes in another order, as another host's config might.
    second = await startService(configFor(riak.nodeList.split(",").reverse().join(",")));
    one = clientsOf(sut.service.port);
    two = clientsOf(second.port);
  });
  afterAll(async () => {
    await second?.close();
    await sut?.close();
  });

  const listIds = async (clients: Clients, username: string) =>
    (await clients.notifications.listNotifications({ username, pageSize: 1000 })).notifications.map(
      (n) => n.id,
    );

  it("creates, lists, marks as seen, deletes by id and deletes all, whichever instance is asked", async () => {
    const username = "ann";
    const created: string[] = [];
    for (const message of ["first", "second", "third"]) {
      const { notification } = await one.notifications.createNotification({
        username,
        category: "like",
        message,
      });
      created.push(notification?.id ?? "");
    }
    const newestFirst = [...created].reverse();

    const first = await two.notifications.listNotifications({ username });
    expect(first.notifications.map((n) => [n.id, n.unseen])).toEqual(
      newestFirst.map((id) => [id, true]),
    );
    // The first page moved the cursor before it answered.
    const again = await one.notifications.listNotifications({ username });
    expect(again.notifications.map((n) => [n.id, n.unseen])).toEqual(
      newestFirst.map((id) => [id, false]),
    );

    await two.notifications.deleteNotifications({ username, ids: [created[1] ?? ""] });
    expect(await listIds(one, username)).toEqual([created[2], created[0]]);

    await one.notifications.deleteNotifications({ username, all: true });
    expect(await listIds(two, username)).toEqual([]);
    const { notification: after } = await two.notifications.createNotification({
      username,
      category: "like",
      message: "after",
    });
    const listed = await one.notifications.listNotifications({ username });
    expect(listed.notifications.map((n) => [n.id, n.unseen])).toEqual([[after?.id, true]]);
  });

  it("lists every notification created concurrently through both instances", async () => {
    const username = "bo";
    const create = (clients: Clients, i: number) =>
      clients.notifications.createNotification({ username, category: "like", message: `n${i}` });
    const responses = await Promise.all(
      Array.from({ length: 80 }, (_, i) => create(i % 2 === 0 ? one : two, i)),
    );
    const ids = responses
      .map((r) => r.notification?.id ?? "")
      .sort()
      .reverse();
    expect(await listIds(one, username)).toEqual(ids);
    expect(await listIds(two, username)).toEqual(ids);
  });

  it("uses and lists a rule written through the other instance, and deletes it", async () => {
    await one.rules.putRule({ category: "follow", rule: { maxSize: 2, maxDuration: "1h" } });
    const { rules } = await two.rules.listRules({});
    expect(rules.follow).toMatchObject({ maxSize: 2, maxDuration: "1 hour", matchOn: "" });

    const username = "cy";
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { notification } = await two.notifications.createNotification({
        username,
        category: "follow",
        message: `follower ${i}`,
      });
      ids.push(notification?.id ?? "");
    }
    // The instance that took the rule uses it at once: groups of two, newest first.
    const page = await one.notifications.listNotifications({ username });
    expect(page.notifications.map((n) => [n.id, n.notifications.map((c) => c.id)])).toEqual([
      [ids[2], [ids[1]]],
      [ids[0], []],
    ]);

    await two.rules.deleteRule({ category: "follow" });
    expect((await one.rules.listRules({})).rules).toEqual({});
  });

  it("stores the data model of docs/riak.md", async () => {
    const username = "dee";
    const { notification } = await one.notifications.createNotification({
      username,
      category: "mention",
      message: "hello",
      properties: { post_id: "7" },
    });
    const id = notification?.id ?? "";
    await two.notifications.listNotifications({ username });
    await one.rules.putRule({ category: "mention", rule: { matchOn: "post_id" } });

    const node = riak.nodes[0];
    if (node === undefined) throw new Error("no node");
    const client = new RiakClient(node);
    try {
      const read = async (bucket: string, key: string) => {
        const { siblings } = await client.get(bucket, key, { type: bucketType });
        expect(siblings).toHaveLength(1);
        return siblings[0]?.value ?? new Uint8Array();
      };
      const list = fromBinary(InboxHeadRecordSchema, await read("notifications", username));
      expect(list.segments).toEqual([]);
      expect(list.notifications.map((n) => [n.id, n.category, n.message, n.properties])).toEqual([
        [id, "mention", "hello", { post_id: "7" }],
      ]);
      const cursor = JSON.parse(
        new TextDecoder().decode(await read("cursors", `${username}-notifications`)),
      );
      expect(cursor).toEqual({ key: `${username}-notifications`, value: id, previous: "" });
      const ruleSet = fromBinary(RuleSetRecordSchema, await read("rules", "rules"));
      expect(ruleSet.rules.mention).toMatchObject({ deleted: false, matchOn: "post_id" });

      // A delete-all leaves a mark in the object and removes the cursor key.
      await two.notifications.deleteNotifications({ username, all: true });
      const cleared = fromBinary(InboxHeadRecordSchema, await read("notifications", username));
      expect(cleared.notifications).toEqual([]);
      expect(cleared.clearedUpTo).toBe(id);
      const gone = await client.get("cursors", `${username}-notifications`, { type: bucketType });
      expect(gone.siblings.filter((s) => !s.deleted)).toEqual([]);
    } finally {
      client.close();
    }
  });
});

describe("the service refuses to start on a bucket type that would lose writes", () => {
  const clusters: RiakTestCluster[] = [];
  afterEach(async () => {
    for (const cluster of clusters.splice(0)) await cluster.close();
  });
  const clusterWith = async (bucketTypes: Record<string, BucketTypeConfig>) => {
    const cluster = await startRiakTestCluster({ nodes: 3, bucketTypes });
    clusters.push(cluster);
    return cluster;
  };
  const startOn = (cluster: RiakTestCluster) =>
    startService(configFor(cluster.nodeList)).then(
      async (service) => {
        await service.close();
        throw new Error("the service started");
      },
      (error: unknown) => error,
    );

  it("when the bucket type does not exist, naming the commands that create it", async () => {
    const error = await startOn(await clusterWith({}));
    expect(error).toBeInstanceOf(RiakBucketTypeError);
    expect((error as Error).message).toBe(
      "Riak has no bucket type 'notifications'. Create it with: " +
        `riak admin bucket-type create notifications '{"props":{"allow_mult":true,"dvv_enabled":true}}' && ` +
        "riak admin bucket-type activate notifications",
    );
  });

  it("when the bucket type has allow_mult false, naming the command that fixes it", async () => {
    const error = await startOn(await clusterWith({ [bucketType]: { allowMult: false } }));
    expect(error).toBeInstanceOf(RiakBucketTypeError);
    expect((error as Error).message).toContain("allow_mult=false");
    expect((error as Error).message).toContain(
      `riak admin bucket-type update notifications '{"props":{"allow_mult":true,"last_write_wins":false,"dvv_enabled":true}}'`,
    );
  });

  it("as a process: exits with status 1 and the command on stderr", async () => {
    const cluster = await clusterWith({});
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        ...process.env,
        RIAK_NODES: cluster.nodeList,
        PORT: "0",
        ADMIN_PORT: "0",
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(status).toBe(1);
    expect(stderr).toContain("start-up failed: Riak has no bucket type 'notifications'.");
    expect(stderr).toContain("riak admin bucket-type create notifications");
  });
});
