import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";

// Connect (2.x) reports a request it cannot decode as a server fault: an
// undecodable protobuf message is INTERNAL "parse binary: ...", a message
// flagged compressed without an encoding or a corrupt compressed one is
// INTERNAL, and a unary request with no message or two is UNIMPLEMENTED
// (HTTP 501). Each is the caller's mistake; these are the texts, as Connect
// writes them, and what the caller is told instead.
const rules: readonly {
  readonly code: Code;
  readonly test: (rawMessage: string) => boolean;
  readonly message: (method: DescMethod, rawMessage: string) => string;
}[] = [
  {
    code: Code.Internal,
    test: (m) => m.startsWith("parse binary: "),
    message: (method, m) =>
      `the request is not a valid ${method.input.typeName} in the protobuf binary format (${m.slice("parse binary: ".length)})`,
  },
  {
    code: Code.Internal,
    test: (m) => m === "received compressed envelope, but do not know how to decompress",
    message: () => "a message is flagged compressed, but the request names no compression",
  },
  {
    code: Code.Internal,
    test: (m) => m === "decompression failed",
    message: () => "a compressed message could not be decompressed",
  },
  {
    code: Code.Unimplemented,
    test: (m) => m.startsWith("protocol error: missing input message"),
    message: (method) => `the request carries no ${method.input.typeName} message; send one`,
  },
  {
    code: Code.Unimplemented,
    test: (m) => m.startsWith("protocol error: received extra input message"),
    message: (method) =>
      `the request carries more than one ${method.input.typeName} message; send one`,
  },
];

/**
 * The INVALID_ARGUMENT a Connect decoding failure of the request means, naming
 * what could not be decoded; undefined for any other error.
 */
export function decodeFailure(error: unknown, method: DescMethod): ConnectError | undefined {
  if (!(error instanceof ConnectError)) return undefined;
  const rule = rules.find((r) => r.code === error.code && r.test(error.rawMessage));
  if (!rule) return undefined;
  return new ConnectError(rule.message(method, error.rawMessage), Code.InvalidArgument);
}

/**
 * Makes a call's request decoding failures INVALID_ARGUMENT. A unary call's
 * request is decoded before any interceptor runs, and Connect answers the
 * failure from the very error object it aborts the call's context with; so
 * this rewrites that object, in the abort listener, which runs before the
 * answer is written. (Interceptors see streaming calls' failures and map them
 * with `decodeFailure`.) Install it first among the request gates, so that
 * the request log sees the rewritten error.
 */
export function recodeDecodeFailures(context: HandlerContext): void {
  context.signal.addEventListener(
    "abort",
    () => {
      const reason: unknown = context.signal.reason;
      const replacement = decodeFailure(reason, context.method);
      if (!replacement || !(reason instanceof ConnectError)) return;
      Object.assign(reason, {
        code: replacement.code,
        rawMessage: replacement.rawMessage,
        message: replacement.message,
      });
    },
    { once: true },
  );
}
