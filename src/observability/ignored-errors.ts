import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";

/** What failed without failing a call: nobody waited for its outcome. */
export type IgnoredOperation =
  | "read_repair"
  | "delete_all_read_back"
  | "redis_unsubscribe"
  | "segment_cleanup"
  | "segment_missing"
  | "job";

const operations: readonly IgnoredOperation[] = [
  "read_repair",
  "delete_all_read_back",
  "redis_unsubscribe",
  "segment_cleanup",
  "segment_missing",
  "job",
];

// What each failure costs, for the log line.
const consequences: Readonly<Record<IgnoredOperation, string>> = {
  read_repair: "read repair failed: the next write of the key merges its siblings again",
  delete_all_read_back:
    "reading a delete-all back failed: its cleared event carries the issued bound",
  redis_unsubscribe: "Redis UNSUBSCRIBE failed: the channel stays subscribed, with no listener",
  segment_cleanup:
    "deleting segments no inbox head references failed: they stay in storage, unread",
  segment_missing:
    "an inbox head references a segment storage does not hold (a stale sibling's reference to a segment deleted since): it is read as empty",
  job: "a job's batch, or the look for jobs to take over, failed: the job goes on from its last recorded batch at a later look",
};

/** Counts an ignored error and logs it at debug, with `details` in the line. */
export type IgnoredErrorReporter = (
  operation: IgnoredOperation,
  error: unknown,
  details?: Readonly<Record<string, string>>,
) => void;

/**
 * A reporter of the errors the service recovers from without telling a
 * caller, so that they are seen rather than swallowed:
 * `notification_ignored_errors_total` by `operation` (each starts at 0), and
 * a debug line with the error.
 */
export function createIgnoredErrorReporter(
  registry: Registry,
  logger: Logger,
): IgnoredErrorReporter {
  const counter = new Counter({
    name: "notification_ignored_errors_total",
    help: "Errors that failed no call (read repair, delete-all read-back, Redis UNSUBSCRIBE, segment clean-up, missing segments, job batches), by operation.",
    labelNames: ["operation"],
    registers: [registry],
  });
  for (const operation of operations) counter.inc({ operation }, 0);
  return (operation, error, details = {}) => {
    counter.inc({ operation });
    logger.debug({ err: error, operation, ...details }, consequences[operation]);
  };
}
