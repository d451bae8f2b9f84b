import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { type App, type AppOptions, createApp } from "../../src/service.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import { ForwardingStore } from "../../src/storage/forwarding-store.js";
import type { BucketName, CallOptions, SiblingRead } from "../../src/storage/key-value-store.js";
import { testAppOptions } from "../support/module-options.js";
import { StreamReader } from "./stream-reader.js";

/** A store that fails one read of a notification list, after letting `pass` through. */
class FailingListRead extends ForwardingStore {
  private armed: { pass: number } | undefined;

  failListReadAfter(pass: number): void {
    this.armed = { pass };
  }

  override get(bucket: BucketName, key: string, options?: CallOptions): Promise<SiblingRead> {
    if (bucket === "notifications" && this.armed && this.armed.pass-- === 0) {
      this.armed = undefined;
      return Promise.reject(new Error("read refused"));
    }
    return super.get(bucket, key, options);
  }
}

describe("a delete-all whose result cannot be read back", () => {
  let dir: string;
  let app: App | undefined;
  let options: AppOptions | undefined;
  let store: FailingListRead | undefined;
  afterEach(async () => {
    await app?.idle();
    await options?.events.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("stands, announces its issued bound, and reports the failed read", async () => {
    dir = await mkdtemp(join(tmpdir(), "read-back-"));
    const failing = new FailingListRead(await EmbeddedStore.open(dir));
    store = failing;
    const failures: unknown[] = [];
    options = testAppOptions({ onReadBackFailed: (error) => failures.push(error) });
    app = createApp(failing, options);
    const transport = createRouterTransport((router) => app?.routes(router), {
      router: { interceptors: [errorMapping] },
    });
    const notifications = createClient(NotificationService, transport);
    const reader = StreamReader.open(transport, { username: "ivo" });
    await reader.live();
    const created = await notifications.createNotification({
      username: "ivo",
      category: "like",
      message: "hi",
    });

    // The delete-all's own read-modify-write reads the list first; the read back fails.
    failing.failListReadAfter(1);
    await notifications.deleteNotifications({ username: "ivo", all: true });
    await reader.until((r) => r.kinds().includes("cleared"), "the cleared event");
    await reader.cancel();

    expect(failures).toEqual([new Error("read refused")]);
    const cleared = reader.events.find((e) => e.event.case === "cleared")?.event;
    const upTo = cleared?.case === "cleared" ? cleared.value.upTo : "";
    expect(cleared?.case === "cleared" && cleared.value.ids).toEqual([]);
    expect(upTo > (created.notification?.id ?? "~")).toBe(true);
    const listed = await notifications.listNotifications({ username: "ivo" });
    expect(listed.notifications).toEqual([]);
  });
});
