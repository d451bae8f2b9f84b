import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildService, startChildService } from "../support/child-service.js";
import { StreamReader } from "./stream-reader.js";
import { transports } from "./transports.js";

describe("SIGTERM with open streams", () => {
  let dataDir: string;
  let service: ChildService;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "notification-sigterm-"));
    service = await startChildService({ DATA_DIR: dataDir });
  });
  afterAll(async () => {
    if (service.child.exitCode === null) service.child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  });

  it("ends every open stream with UNAVAILABLE and exits", async () => {
    const readers = Object.values(transports).map((transport) =>
      StreamReader.open(transport(service.baseUrl), { username: "leaving" }),
    );
    await Promise.all(readers.map((r) => r.live()));
    service.child.kill("SIGTERM");
    for (const reader of readers) {
      const error = await reader.finished();
      expect(error?.code, service.output()).toBe(Code.Unavailable);
    }
    expect(await service.exited).toBe(0);
  });
});
