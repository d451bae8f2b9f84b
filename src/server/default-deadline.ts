import {
  Code,
  ConnectError,
  createContextKey,
  type HandlerContext,
  type Interceptor,
} from "@connectrpc/connect";

/** When (`performance.now()`) a unary call without a deadline of its own must have answered. */
const deadlineKey = createContextKey<number | undefined>(undefined, {
  description: "default deadline",
});

/**
 * The deadline of unary calls whose client set none (no `grpc-timeout`, no
 * `Connect-Timeout-Ms`): `requestGate` notes it when the request headers
 * arrive, so the time taken to receive the body counts; `interceptor`
 * (innermost, so that the request log sees its error) answers
 * DEADLINE_EXCEEDED once it passes, and aborts the signal the implementation
 * sees. A call whose body arrives after its deadline is not executed. Work
 * already handed to storage finishes on its own: as with any deadline, the
 * client does not learn whether a write it was refused took place.
 * Streaming calls are not timed.
 */
export function createDefaultDeadline(ms: number): {
  readonly requestGate: (context: HandlerContext) => void;
  readonly interceptor: Interceptor;
} {
  const exceeded = () =>
    new ConnectError(
      `the call did not finish within the server's default deadline of ${ms} ms`,
      Code.DeadlineExceeded,
    );
  return {
    requestGate(context) {
      if (context.method.methodKind === "unary" && context.timeoutMs() === undefined) {
        context.values.set(deadlineKey, performance.now() + ms);
      }
    },
    interceptor: (next) => async (req) => {
      const deadline = req.contextValues.get(deadlineKey);
      if (req.stream || deadline === undefined) return next(req);
      const left = deadline - performance.now();
      if (left <= 0) throw exceeded();
      const abort = new AbortController();
      const signal = AbortSignal.any([req.signal, abort.signal]);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = exceeded();
          abort.abort(error);
          reject(error);
        }, left);
      });
      try {
        return await Promise.race([next({ ...req, signal }), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
