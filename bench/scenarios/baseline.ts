import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { loadFigure } from "../figure.js";
import { Http1JsonClient } from "../http1-json-client.js";
import { runLoad } from "../load-loop.js";
import { BenchService } from "../noop-service.js";
import { protocols, type Scenario } from "../scenario.js";

/**
 * The floor: a no-op unary call on the service's one-port server stack, over
 * gRPC and over Connect JSON. Every throughput figure is divided by these.
 */
export const baselineScenario: Scenario = {
  id: "baseline",
  async run(context) {
    const host = await context.service(context.options.stores[0] ?? "embedded");
    const grpc = createClient(BenchService, createGrpcTransport({ baseUrl: host.baselineUrl }));
    const grpcResult = await runLoad(() => grpc.noop({}), context.load);
    const http = new Http1JsonClient(host.baselineUrl, context.load.concurrency);
    const connectResult = await runLoad(
      () => http.send("POST", "/bench.v1.BenchService/Noop", {}),
      context.load,
    );
    http.close();
    const figures = {
      grpc: loadFigure(`no-op baseline · ${protocols.grpc}`, grpcResult),
      connect: loadFigure(`no-op baseline · ${protocols.connect}`, connectResult),
    };
    context.baselines.set("grpc", figures.grpc);
    context.baselines.set("connect", figures.connect);
    return [figures.grpc, figures.connect];
  },
};
