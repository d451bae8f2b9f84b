import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createUnsubscribeTokens } from "../../src/auth/unsubscribe-token.js";
import { type DigestOutcome, registerDigestMetrics } from "../../src/digests/digest-metrics.js";
import { loadDigestTemplates } from "../../src/digests/digest-templates.js";
import type { DigestWorker } from "../../src/digests/digest-worker.js";
import { createSmtpSender } from "../../src/digests/mail-sender.js";
import {
  type DigestSchedule,
  nextOccurrence,
  scheduleOf,
} from "../../src/domain/digest-schedule.js";
import type { Weekday } from "../../src/domain/preferences.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { PreferenceService } from "../../src/gen/notification/v1/preference_pb.js";
import { parseRiakNodes } from "../../src/riak/node-list.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { createApp, createDigestWorker, digestOptions } from "../../src/service.js";
import { StorageUnavailableError } from "../../src/storage/errors.js";
import { ForwardingStore } from "../../src/storage/forwarding-store.js";
import type { BucketName, CallOptions, KeyValueStore } from "../../src/storage/key-value-store.js";
import { createRiakStore } from "../../src/storage/riak-store.js";
import { testAppOptions, testRiakOptions } from "../support/module-options.js";
import { startRiakTestCluster } from "../support/riak-node/index.js";
import { mergeConfig } from "../support/service-under-test.js";
import { type SmtpCatcher, startSmtpCatcher } from "../support/smtp-catcher.js";

const minute = 60_000;
const hour = 60 * minute;
const tokens = createUnsubscribeTokens("a cluster test secret of 32 bytes or more");

/** A store that, once told, refuses every write of digest state: the instance "crashes" there. */
class CrashableStore extends ForwardingStore {
  /** Digest-state writes still allowed before they fail; Infinity: never fail. */
  digestWritesLeft = Number.POSITIVE_INFINITY;

  override put(
    bucket: BucketName,
    key: string,
    value: Uint8Array,
    context: Uint8Array | undefined,
    options?: CallOptions,
  ): Promise<void> {
    if (bucket === "digests" && this.digestWritesLeft-- <= 0) {
      return Promise.reject(new StorageUnavailableError("the instance crashed"));
    }
    return super.put(bucket, key, value, context, options);
  }
}

interface Instance {
  readonly store: CrashableStore;
  readonly worker: DigestWorker;
  readonly outcomes: () => Promise<Partial<Record<DigestOutcome, number>>>;
  readonly notifications: ReturnType<typeof createClient<typeof NotificationService>>;
  readonly preferences: ReturnType<typeof createClient<typeof PreferenceService>>;
}

/**
 * Three service instances, each with its own Riak connections (instance i
 * through node i only), caches, ids and digest worker, sharing one 3-node
 * Riak test cluster, one SMTP server and one clock the test moves.
 */
async function startInstances(smtp: SmtpCatcher, clock: { now: number }, subjectDir: string) {
  const cluster = await startRiakTestCluster({
    bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
  });
  const config = mergeConfig({
    email: { smtp_url: smtp.url, from: "digests@example.com" },
    digest: { schedule_shards: 4 },
  });
  const templates = await loadDigestTemplates(subjectDir);
  const nodes = parseRiakNodes(cluster.nodeList);
  const opened: (() => Promise<void>)[] = [];
  const instances: Instance[] = [];
  for (const [index, node] of nodes.entries()) {
    const store = new CrashableStore(await createRiakStore(testRiakOptions([node])));
    const app = createApp(store as KeyValueStore, {
      ...testAppOptions({ now: () => clock.now, unsubscribeTokens: tokens }),
      scheduleShards: config.digest.schedule_shards,
    });
    const registry = new Registry();
    const sender = createSmtpSender(smtp.url);
    const worker = createDigestWorker(app, {
      ...digestOptions(config),
      templates,
      tokens,
      sender,
      metrics: registerDigestMetrics(registry),
      logger: pino({ level: process.env.DIGEST_LOG ?? "silent" }),
      holder: `instance-${index}`,
    });
    const transport = createRouterTransport((router) => app.routes(router), {
      router: { interceptors: [errorMapping] },
    });
    opened.push(async () => {
      await worker.stop();
      sender.close();
      await app.idle().catch(() => {});
      await store.close();
    });
    instances.push({
      store,
      worker,
      async outcomes() {
        const metric = await registry.getSingleMetric("notification_digest_emails_total")?.get();
        return Object.fromEntries(
          (metric?.values ?? []).map((v) => [String(v.labels.outcome), v.value]),
        );
      },
      notifications: createClient(NotificationService, transport),
      preferences: createClient(PreferenceService, transport),
    });
  }
  return {
    instances,
    /** Every instance scans at once. */
    scanAll: () => Promise.all(instances.map((i) => i.worker.scan())),
    async close() {
      for (const close of opened) await close();
      await cluster.close();
    },
  };
}

/**
 * `username` gets a daily digest at 09:00 UTC (set through `setter`) and has
 * one notification, `message` (created through `creator`).
 */
async function dailyAtNine(setter: Instance, creator: Instance, username: string, message: string) {
  await setter.preferences.updatePreferences({
    username,
    preferences: { email: { address: `${username}@example.com`, digest: "daily", time: "09:00" } },
  });
  await creator.notifications.createNotification({ username, category: "comment", message });
}

describe("three instances sharing one Riak test cluster and one clock", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(start: string) {
    const smtp = await startSmtpCatcher();
    cleanups.push(() => smtp.close());
    // Subjects that name the period, so each message says which one it is.
    const dir = await mkdtemp(join(tmpdir(), "digest-templates-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, "subject.txt"), "{{period}} {{username}}\n");
    const clock = { now: Date.parse(start) };
    const cluster = await startInstances(smtp, clock, dir);
    cleanups.push(() => cluster.close());
    return { smtp, clock, ...cluster };
  }

  it("each due user gets exactly one digest per period, across days and a DST change", async () => {
    const { smtp, clock, instances, scanAll } = await setUp("2026-03-27T12:00:00Z");
    const users: [string, string, string, Weekday?][] = [
      ["u-berlin", "Europe/Berlin", "02:30"],
      ["u-ny", "America/New_York", "07:15"],
      ["u-kolkata", "Asia/Kolkata", "08:45"],
      ["u-lordhowe", "Australia/Lord_Howe", "06:00"],
      ["u-kiritimati", "Pacific/Kiritimati", "23:30"],
      ["u-weekly", "Europe/London", "10:00", "sunday"],
    ];
    const schedules = [];
    for (const [index, [username, timeZone, time, weekday]] of users.entries()) {
      const email = {
        address: `${username}@example.com`,
        digest: weekday ? "weekly" : "daily",
        time,
        timeZone,
        weekday: weekday ?? "monday",
      } as const;
      await instances[index % 3]?.preferences.updatePreferences({
        username,
        preferences: { email },
      });
      schedules.push(scheduleOf(email) as DigestSchedule);
    }
    // Scans at each due time and a few minutes on (claims that meet hold
    // for a lease, five minutes, then the designated claimant goes first),
    // news for everyone every six hours, through the instances in turn.
    const end = Date.parse("2026-03-31T00:00:00Z");
    const scanTimes = new Set<number>();
    for (const schedule of schedules) {
      for (
        let due = nextOccurrence(schedule, clock.now);
        due.dueAt <= end;
        due = nextOccurrence(schedule, due.dueAt)
      ) {
        for (const later of [0, 1, 6, 7, 12]) scanTimes.add(due.dueAt + later * minute);
      }
    }
    const newsTimes = Array.from({ length: 15 }, (_, i) => clock.now + i * 6 * hour);
    for (const t of [...scanTimes, ...newsTimes].sort((a, b) => a - b)) {
      clock.now = t;
      if (newsTimes.includes(t)) {
        for (const [index, [username]] of users.entries()) {
          await instances[(index + newsTimes.indexOf(t)) % 3]?.notifications.createNotification({
            username,
            category: "comment",
            message: `news ${newsTimes.indexOf(t)}`,
          });
        }
      }
      if (scanTimes.has(t)) await scanAll();
    }
    const periods = (username: string) =>
      smtp.to(`${username}@example.com`).map((m) => m.parsed.subject?.split(" ")[0]);
    const days = ["2026-03-28", "2026-03-29", "2026-03-30"];
    expect(periods("u-berlin")).toEqual(days);
    expect(periods("u-ny")).toEqual(days);
    expect(periods("u-kolkata")).toEqual(days);
    expect(periods("u-lordhowe")).toEqual([...days, "2026-03-31"]);
    expect(periods("u-kiritimati")).toEqual(days);
    expect(periods("u-weekly")).toEqual(["2026-03-29"]);
    // No notification was emailed twice: the digests of a user share no item.
    for (const [username] of users) {
      const lines = smtp
        .to(`${username}@example.com`)
        .flatMap((m) => (m.parsed.text ?? "").split("\n").filter((l) => l.startsWith("* ")));
      expect(new Set(lines).size, username).toBe(lines.length);
    }
    const sent = (await Promise.all(instances.map((i) => i.outcomes()))).reduce(
      (sum, o) => sum + (o.sent ?? 0),
      0,
    );
    expect(sent).toBe(smtp.accepted.length);
  });

  it("an SMTP failure leads to one later success and no duplicate", async () => {
    const { smtp, clock, instances, scanAll } = await setUp("2026-03-02T08:00:00Z");
    const [first, second] = instances as [Instance, Instance, Instance];
    await dailyAtNine(first, second, "flaky", "Ann replied");
    smtp.refuseNext(1);
    let refusedAt = 0;
    let acceptedAt = 0;
    smtp.onRefuse = () => {
      refusedAt = clock.now;
    };
    smtp.onAccept = () => {
      acceptedAt = clock.now;
    };
    // Every instance scans every half minute for half an hour.
    for (
      clock.now = Date.parse("2026-03-02T09:00:00Z");
      clock.now < Date.parse("2026-03-02T09:30:00Z");
      clock.now += 30_000
    ) {
      await scanAll();
    }
    expect(smtp.refused).toEqual(["flaky@example.com"]);
    const mails = smtp.to("flaky@example.com");
    expect(mails.map((m) => m.parsed.subject)).toEqual(["2026-03-02 flaky"]);
    expect(mails[0]?.parsed.text).toContain("Ann replied");
    // The retry waited digest.retry_min_ms (a minute) at least.
    expect(acceptedAt - refusedAt).toBeGreaterThanOrEqual(
      digestOptions(mergeConfig({})).delivery.retryMinMs,
    );
    const outcomes = await Promise.all(instances.map((i) => i.outcomes()));
    expect(outcomes.reduce((n, o) => n + (o.failed ?? 0), 0)).toBe(1);
    expect(outcomes.reduce((n, o) => n + (o.sent ?? 0), 0)).toBe(1);
  });

  it("a crash after the SMTP server accepted, before marking, does not send twice", async () => {
    const { smtp, clock, instances } = await setUp("2026-03-02T08:00:00Z");
    const [first, second, third] = instances as [Instance, Instance, Instance];
    await dailyAtNine(first, second, "cora", "before the crash");
    // The first instance stops the moment the server has the message: its
    // next write (marking it sent) never happens.
    smtp.onAccept = () => {
      first.store.digestWritesLeft = 0;
    };
    clock.now = Date.parse("2026-03-02T09:00:00Z");
    await first.worker.scan();
    expect(smtp.to("cora@example.com")).toHaveLength(1);
    expect((await first.outcomes()).error).toBe(1);
    smtp.onAccept = undefined;

    // The others see its attempt recorded as sending: held while its lease
    // runs, then taken as sent (by each that finds it), never sent again.
    const others = () => Promise.all([second.worker.scan(), third.worker.scan()]);
    clock.now += minute;
    await others();
    expect(smtp.to("cora@example.com")).toHaveLength(1);
    expect((await second.outcomes()).assumed_sent ?? 0).toBe(0);
    for (let i = 0; i < 30; i++, clock.now += minute) await others();
    expect(smtp.to("cora@example.com")).toHaveLength(1);
    const assumed = [await second.outcomes(), await third.outcomes()];
    expect(assumed.reduce((n, o) => n + (o.assumed_sent ?? 0), 0)).toBeGreaterThanOrEqual(1);

    // The next day's digest carries only what is new: the crashed one's
    // notifications count as emailed.
    await third.notifications.createNotification({
      username: "cora",
      category: "comment",
      message: "after the crash",
    });
    for (
      clock.now = Date.parse("2026-03-03T09:00:00Z");
      clock.now < Date.parse("2026-03-03T09:30:00Z");
      clock.now += minute
    ) {
      await others();
    }
    const mails = smtp.to("cora@example.com");
    expect(mails.map((m) => m.parsed.subject)).toEqual(["2026-03-02 cora", "2026-03-03 cora"]);
    expect(mails[1]?.parsed.text).toContain("after the crash");
    expect(mails[1]?.parsed.text).not.toContain("before the crash");
  });

  it("a crash after claiming, before sending: another instance sends once its lease ends", async () => {
    const { smtp, clock, instances } = await setUp("2026-03-02T08:00:00Z");
    const [first, second, third] = instances as [Instance, Instance, Instance];
    await dailyAtNine(first, second, "dora", "news");
    // The claim is written; recording the send is not.
    first.store.digestWritesLeft = 1;
    clock.now = Date.parse("2026-03-02T09:00:00Z");
    await first.worker.scan();
    expect(smtp.to("dora@example.com")).toEqual([]);
    const others = () => Promise.all([second.worker.scan(), third.worker.scan()]);
    const leaseMs = digestOptions(mergeConfig({})).delivery.leaseMs;
    // Held while its lease runs ...
    for (; clock.now < Date.parse("2026-03-02T09:00:00Z") + leaseMs; clock.now += minute) {
      await others();
    }
    expect(smtp.to("dora@example.com")).toEqual([]);
    // ... then taken over, and sent once.
    for (let i = 0; i < 30; i++, clock.now += minute) await others();
    expect(smtp.to("dora@example.com").map((m) => m.parsed.subject)).toEqual(["2026-03-02 dora"]);
  });
});
