import type { StoreKind } from "../test/support/service-under-test.js";
import type { BenchOptions } from "./cli-options.js";
import type { Figure } from "./figure.js";
import type { Call, LoadOptions } from "./load-loop.js";
import type { ServiceHost, ServiceHostSettings } from "./service-host.js";

/** The wire protocols the figures use, as the table names them. */
export const protocols = Object.freeze({
  grpc: "gRPC h2c",
  connect: "Connect JSON HTTP/1.1",
  rest: "REST HTTP/1.1",
});

/** A protocol key of {@link protocols}. */
export type Protocol = keyof typeof protocols;

/** What a scenario gets from the run. */
export interface BenchContext {
  readonly options: BenchOptions;
  /** The service over `store`, started on first use and shared by the scenarios of the run. */
  service(store: StoreKind): Promise<ServiceHost>;
  /**
   * A new service process over a fresh store, for figures that earlier load
   * would skew (memory: a heap grown by earlier scenarios absorbs new objects
   * without growing RSS), or that need other settings (retention, shared
   * Riak nodes). The caller closes it.
   */
  freshService(store: StoreKind, settings?: ServiceHostSettings): Promise<ServiceHost>;
  /** The no-op call of each protocol: the baseline scenario sets them, first in the run. */
  readonly baselines: Map<Protocol, Call>;
  /** The load options of a throughput figure: the run's duration, warm-up and concurrency. */
  readonly load: LoadOptions;
  /**
   * Measures throughput figures, one per named call, in turns with the
   * protocol's no-op (see `measureInTurns`), each with its ratio to the no-op.
   */
  measure(protocol: Protocol, calls: Readonly<Record<string, Call>>): Promise<Figure[]>;
  /** Reports progress (on stderr, apart from the table). */
  progress(line: string): void;
}

/** One group of figures that `--only` selects by id. */
export interface Scenario {
  readonly id: string;
  run(context: BenchContext): Promise<Figure[]>;
}
