// A Riak-compatible dev cluster in the foreground, for running the service
// against "Riak" without installing one: `npm run riak:dev`, then start the
// service with the RIAK_NODES value printed here. Ctrl-C stops it.
import { startRiakTestCluster } from "../test/support/riak-node/index.js";

const defaultPorts = [8087, 8088, 8089];

/** RIAK_DEV_PORTS="p1,p2,..." overrides the default ports, one node per port. */
function portsFrom(value: string | undefined): number[] {
  if (value === undefined || value.trim() === "") return defaultPorts;
  const ports = value.split(",").map((part) => Number(part.trim()));
  if (ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new Error(`RIAK_DEV_PORTS must list ports (1-65535) separated by commas, got "${value}"`);
  }
  return ports;
}

async function main(): Promise<void> {
  const cluster = await startRiakTestCluster({
    ports: portsFrom(process.env.RIAK_DEV_PORTS),
    // The bucket type the service uses by default (RIAK_BUCKET_TYPE).
    bucketTypes: { notifications: { allowMult: true, dvvEnabled: true } },
  });
  for (const node of cluster.nodes) console.log(`${node.name} listening on ${node.address}`);
  console.log("bucket type notifications: allow_mult=true, dvv_enabled=true");
  console.log(`RIAK_NODES=${cluster.nodeList}`);
  console.log("Ctrl-C to stop.");

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    // Once every listener and socket is closed, nothing keeps the process alive.
    void cluster.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`riak:dev failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
