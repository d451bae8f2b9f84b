// The 3-node Riak test cluster in a process of its own, as Riak runs apart
// from the service. Started by service-host.ts.
import { startRiakTestCluster } from "../test/support/riak-node/index.js";
import { answerParent } from "./child-process.js";

const cluster = await startRiakTestCluster({
  nodes: 3,
  bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
});

answerParent({ nodeList: cluster.nodeList }, {}, () => cluster.close());
