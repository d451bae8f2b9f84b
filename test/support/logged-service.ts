import { afterAll, beforeAll } from "vitest";
import { captureLogs, type LogLine } from "./log-capture.js";
import {
  type ServiceUnderTest,
  type StoreKind,
  startServiceUnderTest,
} from "./service-under-test.js";

/** A service under test whose log lines are kept. */
export interface LoggedService {
  /** The running service; call it inside tests and hooks, once `beforeAll` has started it. */
  readonly sut: () => ServiceUnderTest;
  /** Every log line so far, parsed, oldest first. */
  readonly lines: readonly LogLine[];
  /** The lines logged under one request id. */
  logOf(requestId: string): LogLine[];
}

/**
 * Starts the service over a fresh store (embedded unless told) before the
 * enclosing describe block's tests, logging at info into `lines`, and stops
 * it after them.
 */
export function useLoggedService(kind: StoreKind = "embedded"): LoggedService {
  const { logger, lines } = captureLogs();
  let service: ServiceUnderTest | undefined;
  beforeAll(async () => {
    service = await startServiceUnderTest(kind, {}, { logger });
  });
  afterAll(async () => {
    await service?.close();
  });
  return {
    sut() {
      if (!service) throw new Error("the service starts in beforeAll");
      return service;
    },
    lines,
    logOf: (requestId) => lines.filter((line) => line.requestId === requestId),
  };
}
