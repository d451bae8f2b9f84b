import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { ValidationError } from "../domain/validation-error.js";
import {
  StorageCorruptionError,
  StorageTimeoutError,
  StorageUnavailableError,
} from "../storage/errors.js";
import { decodeFailure } from "./decode-errors.js";
import { requestIdKey } from "./request-id.js";

// What a caller is told of a storage failure: its meaning and what to do, never
// which node, host, path or error lies behind it. Those stay in the error's
// cause, which the request log records under the same request id.
const storageMessages = [
  {
    type: StorageUnavailableError,
    code: Code.Unavailable,
    message: "storage is unavailable; retry later",
  },
  {
    type: StorageTimeoutError,
    code: Code.DeadlineExceeded,
    message: "storage did not answer in time; retry later",
  },
  {
    type: StorageCorruptionError,
    code: Code.Internal,
    message: "stored data could not be read",
  },
] as const;

/**
 * Turns domain and storage errors into Connect codes at the transport
 * boundary: bad input is INVALID_ARGUMENT naming the field; unreachable
 * storage UNAVAILABLE, slow storage DEADLINE_EXCEEDED and unreadable stored
 * data INTERNAL, each with a fixed message and the request id (when
 * `requestId` is not empty), the storage error as its cause; a request
 * Connect could not decode INVALID_ARGUMENT. Anything else is left to
 * Connect, which answers INTERNAL without leaking the error.
 */
export function toConnectError(error: unknown, requestId = "", method?: DescMethod): unknown {
  if (error instanceof ConnectError) {
    return (method && decodeFailure(error, method)) ?? error;
  }
  if (error instanceof ValidationError) {
    return new ConnectError(error.message, Code.InvalidArgument, undefined, undefined, error);
  }
  const storage = storageMessages.find((s) => error instanceof s.type);
  if (storage) {
    const id = requestId === "" ? "" : ` (request id ${requestId})`;
    return new ConnectError(`${storage.message}${id}`, storage.code, undefined, undefined, error);
  }
  return error;
}

/** The interceptor that applies `toConnectError` to unary and streaming calls. */
export const errorMapping: Interceptor = (next) => async (req) => {
  const requestId = req.contextValues.get(requestIdKey);
  try {
    const res = await next(req);
    if (!res.stream) return res;
    return { ...res, message: mapStreamErrors(res.message, requestId, req.method) };
  } catch (error) {
    throw toConnectError(error, requestId, req.method);
  }
};

async function* mapStreamErrors<T>(
  messages: AsyncIterable<T>,
  requestId: string,
  method: DescMethod,
): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (error) {
    throw toConnectError(error, requestId, method);
  }
}
