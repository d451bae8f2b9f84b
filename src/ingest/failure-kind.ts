import { Code, ConnectError } from "@connectrpc/connect";
import { ValidationError } from "../domain/validation-error.js";
import { StorageTimeoutError, StorageUnavailableError } from "../storage/errors.js";

/**
 * Why storing an entry failed, which decides what the consumer does:
 * - `invalid`: the entry itself is wrong; it is dead-lettered at once.
 * - `outage`: storage could not be reached or did not answer; the entry is
 *   retried, waiting longer each time, for as long as it takes (never dead-lettered).
 * - `fault`: anything else (stored data that cannot be read, a bug); retried
 *   a few times, then dead-lettered with the error.
 */
export type FailureKind = "invalid" | "outage" | "fault";

const outageCodes = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.ResourceExhausted,
  Code.Aborted,
]);

/** Classifies an error from the sink (the service's create path). */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof ValidationError) return "invalid";
  if (error instanceof StorageUnavailableError || error instanceof StorageTimeoutError) {
    return "outage";
  }
  if (error instanceof ConnectError) {
    if (error.code === Code.InvalidArgument) return "invalid";
    if (outageCodes.has(error.code)) return "outage";
  }
  return "fault";
}
