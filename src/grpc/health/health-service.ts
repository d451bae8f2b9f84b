import { Code, ConnectError, type ConnectRouter, type ServiceImpl } from "@connectrpc/connect";
import {
  Health,
  HealthCheckResponse_ServingStatus as ServingStatus,
} from "../../gen/grpc/health/v1/health_pb.js";
import type { Readiness } from "../../observability/readiness.js";

/**
 * Registers `grpc.health.v1.Health`. Every service registered on `router`,
 * and `""` for the whole server, share one status: SERVING while storage is
 * reachable and the server is not draining, else NOT_SERVING. `Check` pings
 * storage first; an unknown service is NOT_FOUND. `Watch` sends the status at
 * once and then each change; for an unknown service it sends SERVICE_UNKNOWN
 * and stays open, as the protocol asks.
 */
export function registerHealth(router: ConnectRouter, readiness: Readiness): void {
  let known: Set<string> | undefined;
  const isKnown = (service: string) => {
    known ??= new Set(["", ...router.handlers.map((handler) => handler.service.typeName)]);
    return known.has(service);
  };
  router.service(Health, createHealthService(readiness, isKnown));
}

/** The Health implementation over `readiness`, for the services `isKnown` accepts. */
export function createHealthService(
  readiness: Readiness,
  isKnown: (service: string) => boolean,
): ServiceImpl<typeof Health> {
  return {
    async check({ service }) {
      if (!isKnown(service)) {
        throw new ConnectError(`unknown service "${service}"`, Code.NotFound);
      }
      return { status: statusOf(await readiness.check()) };
    },
    async *watch({ service }, ctx) {
      try {
        if (!isKnown(service)) {
          yield { status: ServingStatus.SERVICE_UNKNOWN };
          await aborted(ctx.signal);
        }
        const changes = readiness.changes(ctx.signal);
        let sent = readiness.ready;
        yield { status: statusOf(sent) };
        for await (const ready of changes) {
          if (ready === sent) continue;
          sent = ready;
          yield { status: statusOf(ready) };
        }
      } catch (error) {
        // The call ends as its signal says: shutdown (UNAVAILABLE), deadline, cancel.
        throw ctx.signal.aborted ? ConnectError.from(ctx.signal.reason) : error;
      }
    },
  };
}

function statusOf(ready: boolean): ServingStatus {
  return ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
