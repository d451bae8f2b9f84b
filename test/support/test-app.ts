import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Client,
  createClient,
  createRouterTransport,
  type Transport,
} from "@connectrpc/connect";
import { JobService } from "../../src/gen/notification/v1/job_pb.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { PreferenceService } from "../../src/gen/notification/v1/preference_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { TopicService } from "../../src/gen/notification/v1/topic_pb.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { type App, type AppOptions, createApp } from "../../src/service.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import type { KeyValueStore } from "../../src/storage/key-value-store.js";
import { createRiakStore } from "../../src/storage/riak-store.js";
import { testAppOptions, testRiakOptions } from "./module-options.js";
import { startRiakTestCluster } from "./riak-node/index.js";
import type { StoreKind } from "./service-under-test.js";

/**
 * The app over a real store (embedded, or a 3-node Riak test cluster), called
 * in memory through `createRouterTransport`.
 */
export interface TestApp {
  readonly app: App;
  readonly store: KeyValueStore;
  readonly notifications: Client<typeof NotificationService>;
  readonly rules: Client<typeof RuleService>;
  readonly preferences: Client<typeof PreferenceService>;
  readonly topics: Client<typeof TopicService>;
  readonly jobs: Client<typeof JobService>;
  /** The in-memory transport to the app, for other clients (streams). */
  readonly transport: Transport;
  /** Another app (another "instance") over the same store, with its own caches and ids. */
  sibling(options?: Partial<AppOptions>): TestApp;
  /** Waits for queued writes, closes the event bus and the store, and deletes the data. */
  close(): Promise<void>;
}

/**
 * Builds the app over a fresh store (a temporary embedded store, or a fresh
 * Riak test cluster), with the service's default options but `options`.
 */
export async function createTestApp(
  options: Partial<AppOptions> = {},
  kind: StoreKind = "embedded",
): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), "notification-app-"));
  const riak =
    kind === "riak"
      ? await startRiakTestCluster({
          bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
        })
      : undefined;
  const store = riak
    ? await createRiakStore(testRiakOptions(riak.nodeList))
    : await EmbeddedStore.open(dir);
  const build = (overrides: Partial<AppOptions>, owner: boolean): TestApp => {
    const appOptions = testAppOptions(overrides);
    const app = createApp(store, appOptions);
    const transport = createRouterTransport((router) => app.routes(router), {
      router: { interceptors: [errorMapping] },
    });
    return {
      app,
      store,
      notifications: createClient(NotificationService, transport),
      rules: createClient(RuleService, transport),
      preferences: createClient(PreferenceService, transport),
      topics: createClient(TopicService, transport),
      jobs: createClient(JobService, transport),
      transport,
      sibling: (siblingOptions = options) => build(siblingOptions, false),
      async close() {
        await app.jobs.close();
        await app.idle();
        if (!owner) return;
        await appOptions.events.close();
        await store.close();
        await riak?.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
  return build(options, true);
}
