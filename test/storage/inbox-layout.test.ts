import { readFile } from "node:fs/promises";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { createApp } from "../../src/service.js";
import { decodeHead } from "../../src/storage/head-codec.js";
import { CountingStore } from "../support/counting-store.js";
import { testAppOptions } from "../support/module-options.js";
import { storeKinds } from "../support/service-under-test.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const fixture = (name: string) => readFile(new URL(`../fixtures/layouts/${name}`, import.meta.url));

const opened: TestApp[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
});

/** The app over a counting store on `kind`, called in memory. */
async function countingApp(kind: (typeof storeKinds)[number], missing: string[] = []) {
  const t = await createTestApp({}, kind);
  opened.push(t);
  const store = new CountingStore(t.store);
  const app = createApp(
    store,
    testAppOptions({ onSegmentMissing: (username, key) => missing.push(`${username}/${key}`) }),
  );
  return { store, ...inMemory(app) };
}

/** Clients of an app, called in memory. */
function inMemory(app: ReturnType<typeof createApp>) {
  const transport = createRouterTransport((router) => app.routes(router), {
    router: { interceptors: [errorMapping] },
  });
  return {
    app,
    notifications: createClient(NotificationService, transport),
    rules: createClient(RuleService, transport),
  };
}

/** Every id a page answer shows, rollup children included. */
const allIds = (items: readonly { id: string; notifications: readonly { id: string }[] }[]) =>
  items.flatMap((n) => [n.id, ...n.notifications.map((c) => c.id)]);

describe.each(storeKinds)("inbox layout on the %s store", (kind) => {
  it("reads a value of the single-object layout, and its next write rewrites it as a head and segments", async () => {
    const { store, notifications } = await countingApp(kind);
    const bytes = await fixture("single-object.bin");
    const expected = JSON.parse((await fixture("single-object.json")).toString()) as {
      notifications: string[];
      deletedIds: string[];
      clearedUpTo: string;
    };
    await store.put("notifications", "old", new Uint8Array(bytes), undefined);

    const before = await notifications.listNotifications({ username: "old", pageSize: 1000 });
    expect(allIds(before.notifications)).toEqual(expected.notifications);
    expect(store.of("segments").puts).toBe(0);

    const created = await notifications.createNotification({
      username: "old",
      category: "like",
      message: "the first write in the new layout",
    });
    const { values } = await store.get("notifications", "old");
    const head = decodeHead(values[0] as Uint8Array);
    expect(values).toHaveLength(1);
    expect(head.notifications).toHaveLength(20);
    expect(head.segments.length).toBeGreaterThan(0);
    expect([...head.deletedIds].sort()).toEqual(expected.deletedIds);
    expect(head.clearedUpTo).toBe(expected.clearedUpTo);
    const after = await notifications.listNotifications({ username: "old", pageSize: 1000 });
    expect(allIds(after.notifications)).toEqual([
      created.notification?.id,
      ...expected.notifications,
    ]);
  });

  it("reads a value the predecessor wrote: deleted entries and one without an id are dropped", async () => {
    const { store, notifications } = await countingApp(kind);
    await store.put(
      "notifications",
      "heritage",
      new Uint8Array(await fixture("predecessor.bin")),
      undefined,
    );
    const listed = await notifications.listNotifications({ username: "heritage" });
    expect(allIds(listed.notifications)).toEqual([
      "CLhfgFiywZN5Lu5u4j25ZJ2KqBw",
      "CLhfgEaQpZ0xWmB4b3cnbY5x4Bs",
      "CLhfgCk1sR9Ot2JjLw8b6Qz0aHe",
      "CLhfgBw7Yx2Ni3QeS5vGd0Rb9Ka",
    ]);
    expect(listed.notifications[1]?.properties).toEqual({ message_id: "42" });
  });

  it("a create on a full inbox reads and writes the head alone, but for a seal now and then", async () => {
    const { store, notifications } = await countingApp(kind);
    const create = (i: number) =>
      notifications.createNotification({ username: "full", category: "like", message: `m${i}` });
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => create(i + k)));
    }
    const heads = store.of("notifications");
    const segments = store.of("segments");
    for (let i = 0; i < 80; i++) await create(1000 + i);
    const per = (now: number, was: number) => (now - was) / 80;
    expect(per(store.of("notifications").gets, heads.gets)).toBe(1);
    expect(per(store.of("notifications").puts, heads.puts)).toBe(1);
    // Segments are written a few times per 80 creates (a seal every 20 or so, compactions),
    // and never read: those the head references were written or read by this instance.
    expect(per(store.of("segments").puts, segments.puts)).toBeLessThan(0.2);
    expect(per(store.of("segments").gets, segments.gets)).toBeLessThan(0.2);
    // A whole list of 1,000 was some 60 KB here; a create writes a few KB.
    expect(per(store.of("notifications").bytesPut, heads.bytesPut)).toBeLessThan(6000);
  });

  it("deletes the segments no head references once it stops referencing them", async () => {
    const { store, app, notifications } = await countingApp(kind);
    for (let i = 0; i < 400; i++) {
      await notifications.createNotification({ username: "gc", category: "like", message: `${i}` });
    }
    await app.idle();
    const { values } = await store.get("notifications", "gc");
    const referenced = new Set(
      decodeHead(values[0] as Uint8Array).segments.map((r) => `gc/${r.key}`),
    );
    expect(store.segmentKeysPut.size).toBeGreaterThan(referenced.size);
    for (const key of store.segmentKeysPut) {
      const read = await store.get("segments", key);
      expect(read.values.length, key).toBe(referenced.has(key) ? 1 : 0);
    }
  });

  it("reads a first page from the head alone, and only the segments a rollup reaches into", async () => {
    const { store, notifications, rules } = await countingApp(kind);
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const category = i % 3 === 0 ? "comment" : "like";
      const res = await notifications.createNotification({
        username: "deep",
        category,
        message: `${i}`,
        properties: { post: "p1" },
      });
      ids.unshift(res.notification?.id ?? "");
    }
    // Another instance over the same data: no segment in its cache.
    const fresh = inMemory(createApp(store, testAppOptions()));
    const before = store.of("segments").gets;
    const page = await fresh.notifications.listNotifications({ username: "deep" });
    expect(allIds(page.notifications)).toEqual(ids.slice(0, 20));
    expect(store.of("segments").gets - before).toBe(0);

    // match_on without bounds: the comment group reaches down to the oldest comment.
    await rules.putRule({ category: "comment", rule: { matchOn: "post" } });
    const grouped = await notifications.listNotifications({ username: "deep" });
    const comments = grouped.notifications.find((n) => n.category === "comment");
    expect(comments?.notifications).toHaveLength(99);
    expect(allIds(grouped.notifications)).toEqual(
      expect.arrayContaining(ids.filter((_, i) => (299 - i) % 3 === 0)),
    );
  });

  it("a segment the head references but storage lost reads as empty, and is reported", async () => {
    const missing: string[] = [];
    const { store, app, notifications } = await countingApp(kind, missing);
    for (let i = 0; i < 100; i++) {
      await notifications.createNotification({
        username: "lost",
        category: "like",
        message: `${i}`,
      });
    }
    await app.idle();
    const { values } = await store.get("notifications", "lost");
    const [oldest] = decodeHead(values[0] as Uint8Array).segments.slice(-1);
    if (!oldest) throw new Error("no segment was sealed");
    const read = await store.get("segments", `lost/${oldest.key}`);
    await store.delete("segments", `lost/${oldest.key}`, read.context);
    // A new instance: its cache does not hold the segment.
    const fresh = inMemory(
      createApp(store, testAppOptions({ onSegmentMissing: (u, k) => missing.push(`${u}/${k}`) })),
    );
    const listed = await fresh.notifications.listNotifications({
      username: "lost",
      pageSize: 1000,
    });
    expect(allIds(listed.notifications)).toHaveLength(100 - oldest.count);
    expect(missing).toEqual([`lost/${oldest.key}`]);
  });

  it("a delete-all that must read a segment another instance deleted meanwhile fails UNAVAILABLE, deleting nothing", async () => {
    // An instance whose clock is an hour ahead seals ids that sort above a delete-all's mark.
    const ahead = await createTestApp({ now: () => Date.now() + 3_600_000 }, kind);
    opened.push(ahead);
    const ids: string[] = [];
    for (let i = 0; i < 41; i++) {
      const res = await ahead.notifications.createNotification({
        username: "skew",
        category: "like",
        message: `${i}`,
      });
      ids.unshift(res.notification?.id ?? "");
    }
    await ahead.app.idle();
    const { values } = await ahead.store.get("notifications", "skew");
    const [sealed] = decodeHead(values[0] as Uint8Array).segments;
    if (!sealed) throw new Error("no segment was sealed");
    const key = `skew/${sealed.key}`;
    await ahead.store.delete("segments", key, (await ahead.store.get("segments", key)).context);

    const behind = ahead.sibling({});
    const refused = await behind.notifications
      .deleteNotifications({ username: "skew", all: true })
      .catch((error: unknown) => ConnectError.from(error));
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.Unavailable);
    const listed = await behind.notifications.listNotifications({ username: "skew" });
    expect(allIds(listed.notifications)).toEqual(ids.slice(0, 20));
  });
});
