import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type RiakTestCluster, startRiakTestCluster } from "../support/riak-node/index.js";
import { loadTranscript, scenarioNames, stepsOf } from "./transcript.js";
import { TranscriptReplayer } from "./transcript-replayer.js";

// Long enough that the capture's "put 2 ms after delete" stays inside the
// window on a slow machine; X4 waits it out instead of the capture's 4.5 s.
const reapMs = 1000;

// Scenario 11 ran on a 3-node cluster (dev1..dev3); the rest on one node.
const nodeOfPort = (port: number): number => ({ 10027: 1, 10037: 2 })[port] ?? 0;

const records = loadTranscript();

describe("replaying the recorded Riak 3.2 transcript", () => {
  let cluster: RiakTestCluster;
  let replayer: TranscriptReplayer;

  beforeAll(async () => {
    cluster = await startRiakTestCluster({
      tombstoneReapMs: reapMs,
      bucketTypes: {
        siblings: { allowMult: true, dvvEnabled: true },
        maps: { allowMult: true, datatype: "map" },
      },
    });
    replayer = new TranscriptReplayer(cluster, nodeOfPort);
  });

  afterAll(async () => {
    replayer.close();
    await cluster.close();
  });

  // Scenarios build on each other (5→9 reuse note-1, 13 lists earlier keys), so they run in order.
  for (const scenario of scenarioNames(records)) {
    it(`scenario ${scenario}`, async () => {
      for (const step of stepsOf(records, scenario)) {
        if (step.name.includes("4.5 s after delete")) await sleep(reapMs + 200);
        await replayer.replayStep(step);
      }
    });
  }
});
