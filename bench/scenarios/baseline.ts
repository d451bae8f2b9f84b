import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { Http1JsonClient } from "../http1-json-client.js";
import { measureInTurns } from "../measure.js";
import { BenchService } from "../noop-service.js";
import { protocols, type Scenario } from "../scenario.js";

/**
 * The floor: a no-op unary call on the service's one-port server stack, over
 * gRPC and over Connect JSON. Every throughput figure is measured in turns
 * with the no-op of its protocol and divided by it.
 */
export const baselineScenario: Scenario = {
  id: "baseline",
  async run(context) {
    const host = await context.service(context.options.stores[0] ?? "embedded");
    const grpc = createClient(BenchService, createGrpcTransport({ baseUrl: host.baselineUrl }));
    // Kept open for the run; the server closes the connections when it stops.
    const http = new Http1JsonClient(host.baselineUrl, context.load.concurrency);
    context.baselines.set("grpc", () => grpc.noop({}));
    context.baselines.set("connect", () => http.send("POST", "/bench.v1.BenchService/Noop", {}));
    return measureInTurns(
      undefined,
      {
        [`no-op baseline · ${protocols.grpc}`]: () => grpc.noop({}),
        [`no-op baseline · ${protocols.connect}`]: () =>
          http.send("POST", "/bench.v1.BenchService/Noop", {}),
      },
      context.load,
    );
  },
};
