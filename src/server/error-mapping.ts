import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ValidationError } from "../domain/validation-error.js";
import {
  StorageCorruptionError,
  StorageTimeoutError,
  StorageUnavailableError,
} from "../storage/errors.js";

/**
 * Turns domain and storage errors into Connect codes at the transport
 * boundary: bad input is INVALID_ARGUMENT naming the field, unreachable
 * storage UNAVAILABLE, slow storage DEADLINE_EXCEEDED. Anything else is left
 * to Connect, which answers INTERNAL without leaking the error.
 */
export function toConnectError(error: unknown): unknown {
  if (error instanceof ConnectError) return error;
  if (error instanceof ValidationError) {
    return new ConnectError(error.message, Code.InvalidArgument, undefined, undefined, error);
  }
  if (error instanceof StorageUnavailableError) {
    return new ConnectError(
      `storage is unavailable: ${error.message}`,
      Code.Unavailable,
      undefined,
      undefined,
      error,
    );
  }
  if (error instanceof StorageTimeoutError) {
    return new ConnectError(
      `storage did not answer in time: ${error.message}`,
      Code.DeadlineExceeded,
      undefined,
      undefined,
      error,
    );
  }
  if (error instanceof StorageCorruptionError) {
    return new ConnectError(
      "stored data could not be read",
      Code.Internal,
      undefined,
      undefined,
      error,
    );
  }
  return error;
}

/** The interceptor that applies `toConnectError` to unary and streaming calls. */
export const errorMapping: Interceptor = (next) => async (req) => {
  try {
    const res = await next(req);
    if (!res.stream) return res;
    return { ...res, message: mapStreamErrors(res.message) };
  } catch (error) {
    throw toConnectError(error);
  }
};

async function* mapStreamErrors<T>(messages: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw toConnectError(error);
  }
}
