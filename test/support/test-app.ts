import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, createRouterTransport } from "@connectrpc/connect";
import { type App, type AppOptions, createApp } from "../../src/app.js";
import { NotificationService } from "../../src/gen/notification/v1/notification_pb.js";
import { RuleService } from "../../src/gen/notification/v1/rule_pb.js";
import { errorMapping } from "../../src/server/error-mapping.js";
import { EmbeddedStore } from "../../src/storage/embedded-store.js";
import type { KeyValueStore } from "../../src/storage/key-value-store.js";

/** The app over a real embedded store, called in memory through `createRouterTransport`. */
export interface TestApp {
  readonly app: App;
  readonly store: KeyValueStore;
  readonly notifications: Client<typeof NotificationService>;
  readonly rules: Client<typeof RuleService>;
  /** Another app (another "instance") over the same store, with its own caches and ids. */
  sibling(options?: AppOptions): TestApp;
  close(): Promise<void>;
}

/** Builds the app over a fresh embedded store in a temporary directory. */
export async function createTestApp(options: AppOptions = {}): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), "notification-app-"));
  const store = await EmbeddedStore.open(dir);
  const build = (opts: AppOptions, closeStore: boolean): TestApp => {
    const app = createApp(store, opts);
    const transport = createRouterTransport((router) => app.routes(router), {
      router: { interceptors: [errorMapping] },
    });
    return {
      app,
      store,
      notifications: createClient(NotificationService, transport),
      rules: createClient(RuleService, transport),
      sibling: (siblingOptions = options) => build(siblingOptions, false),
      async close() {
        if (!closeStore) return;
        await app.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
  return build(options, true);
}
