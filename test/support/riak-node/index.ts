export type { BucketTypeConfig } from "./bucket-props.js";
export type { RiakTestCluster, TestClusterOptions } from "./test-cluster.js";
export { startRiakTestCluster } from "./test-cluster.js";
export type { RiakTestNode } from "./test-node.js";
