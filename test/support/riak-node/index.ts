// A Riak-compatible test cluster for tests and `npm run riak:dev`: several
// nodes speak Riak's protocol-buffers API over one shared in-memory store,
// with Riak 3.2's sibling, tombstone and error behaviour (checked against
// test/fixtures/riak-transcripts.json), per-node fault injection, nodes
// that are still starting, and reads that meet replicas without the key.
export type { BucketTypeConfig } from "./bucket-props.js";
export type { ReplicaState } from "./replica-layouts.js";
export type { StartupStage } from "./startup-stage.js";
export type { RiakTestCluster, TestClusterOptions } from "./test-cluster.js";
export { startRiakTestCluster } from "./test-cluster.js";
export type { RiakTestNode } from "./test-node.js";
