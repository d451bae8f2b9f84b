import {
  Code,
  ConnectError,
  type ConnectRouter,
  type ConnectRouterOptions,
  createConnectRouter,
  createContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import { watchClient } from "./client-gone.js";
import { recodeDecodeFailures } from "./decode-errors.js";
import { checkEnvelopeFlags } from "./frame-check.js";
import type { NodeHandler, NodeRequest, NodeResponse } from "./node-http.js";
import { type Refusal, type RefusalFormat, type RefusalListener, writeRefusal } from "./refusal.js";
import { requestIdKey, requestIdOf } from "./request-id.js";
import { isEnveloped, rpcProtocolOf } from "./rpc-protocol.js";

/** Options of {@link createApiHandler}: Connect's router options, plus the API's own. */
export interface ApiHandlerOptions extends ConnectRouterOptions {
  /** Registers the services. */
  readonly routes: (router: ConnectRouter) => void;
  /** Builds the handler of paths that name no RPC (the REST API) over the router; default 404. */
  readonly fallback?: (router: ConnectRouter) => NodeHandler;
  /** Told of every refusal (logged and counted there). Default: none. */
  readonly onRefused?: RefusalListener;
  /** Told when writing an answer fails for another reason than the client leaving. Default `console.error`. */
  readonly onWriteError?: (error: unknown) => void;
}

// `/<package>.<Service>/<Method>`: the shape of every RPC path.
const rpcPath = /^\/[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\/[A-Za-z_]\w*$/;

/**
 * The API port's request handler, for Node's HTTP/1.1 and HTTP/2 servers:
 * each RPC path goes to its Connect handler, any other path to `fallback`.
 * In front of Connect it refuses what Connect would answer with an empty
 * body or not refuse at all, in the caller's protocol, with `X-Request-Id`,
 * and tells `onRefused`: an RPC path that names no method (404, gRPC
 * UNIMPLEMENTED), a method or Content-Type the method does not take (405,
 * 415), a request with two Content-Type headers, a gRPC call without
 * `te: trailers`. It gives each call its request id, makes a client that
 * leaves end the call as CANCELED, fails a request envelope with reserved
 * flags, and makes undecodable requests INVALID_ARGUMENT.
 */
export function createApiHandler(options: ApiHandlerOptions): NodeHandler {
  const { onRefused, requestGate } = options;
  const onWriteError = options.onWriteError ?? ((error) => console.error(error));
  const router = createConnectRouter({
    // As Connect's own Node adapter: gzip and brotli unless told otherwise.
    acceptCompression: [compressionGzip, compressionBrotli],
    ...options,
    requestGate: (context: HandlerContext) => {
      recodeDecodeFailures(context);
      return requestGate?.(context);
    },
  });
  options.routes(router);
  const fallback = options.fallback?.(router);
  const handlers = new Map<string, UniversalHandler>();
  for (const handler of router.handlers) handlers.set(handler.requestPath, handler);

  return (req, res) => {
    const startedAt = performance.now();
    // Made when a call or a refusal needs it: the REST transcoder names its own.
    let requestId: string | undefined;
    const idOf = () => {
      requestId ??= requestIdOf(req.headers["x-request-id"]);
      return requestId;
    };
    const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
    const handler = handlers.get(path);
    const isRpc = handler !== undefined || rpcPath.test(path);
    const format: RefusalFormat = isRpc ? rpcProtocolOf(req.headers["content-type"]) : "rest";
    const refuse = (code: Code, status: number, message: string, headers?: Refusal["headers"]) => {
      const method = handler ? `${handler.service.typeName}/${handler.method.name}` : "unknown";
      const refusal: Refusal = {
        requestId: idOf(),
        method,
        format,
        code,
        status,
        message,
        startedAt,
        ...(headers && { headers }),
      };
      // The body is not read: discard it, so an HTTP/1.1 connection stays usable.
      req.resume();
      writeRefusal(res, refusal);
      onRefused?.(refusal);
    };

    const contentTypes = headerCount(req.rawHeaders, "content-type");
    if (contentTypes > 1) {
      refuse(
        Code.InvalidArgument,
        400,
        `the request has ${contentTypes} Content-Type headers; send exactly one`,
      );
      return;
    }
    if (!handler) {
      if (isRpc) refuse(Code.Unimplemented, 404, unknownRpc(path, handlers));
      else if (fallback) fallback(req, res);
      else refuse(Code.Unimplemented, 404, `no route matches ${req.method} ${path}`);
      return;
    }
    if (format === "grpc" && !acceptsTrailers(req.headers.te)) {
      refuse(
        Code.InvalidArgument,
        400,
        'a gRPC request must carry the header "te: trailers" (it has none, or another value)',
      );
      return;
    }
    call(handler, req, res, idOf())
      .then((answer) => {
        if (answer === "sent") return;
        const refusal = refusalOf(answer, handler, req);
        refuse(refusal.code, answer.status, refusal.message, refusal.headers);
      })
      .catch((error: unknown) => {
        // Connect reports a write to a client that left as ABORTED.
        if (ConnectError.from(error).code !== Code.Aborted) onWriteError(error);
      });
  };

  async function call(
    handler: UniversalHandler,
    req: NodeRequest,
    res: NodeResponse,
    requestId: string,
  ): Promise<"sent" | { readonly status: number }> {
    const watch = watchClient(req, res);
    const contextValues = createContextValues().set(requestIdKey, requestId);
    const incoming = universalRequestFromNodeRequest(req, res, undefined, contextValues);
    const body = watch.body(incoming.body as AsyncIterable<Uint8Array>);
    const response = await handler({
      ...incoming,
      signal: watch.signal,
      body: isEnveloped(req.headers["content-type"]) ? checkEnvelopeFlags(body) : body,
    });
    // Connect answers a method, Content-Type or HTTP version a handler does
    // not take with a bare status; everything else it answers itself.
    if (response.body === undefined && [405, 415, 505].includes(response.status)) {
      return { status: response.status };
    }
    await universalResponseToNodeResponse(response, res);
    return "sent";
  }
}

function refusalOf(
  answer: { readonly status: number },
  handler: UniversalHandler,
  req: NodeRequest,
): { code: Code; message: string; headers?: Record<string, string> } {
  const name = `${handler.service.typeName}/${handler.method.name}`;
  switch (answer.status) {
    case 405:
      return {
        code: Code.Unimplemented,
        message: `${req.method} is not allowed on ${name}; use ${handler.allowedMethods.join(" or ")}`,
        headers: { allow: handler.allowedMethods.join(", ") },
      };
    case 505:
      return {
        code: Code.Unimplemented,
        message: `${name} streams both ways, which needs HTTP/2`,
      };
    default: {
      // The caller's own value, cut short: it is echoed back.
      const sent = req.headers["content-type"]?.slice(0, 80);
      return {
        code: Code.InvalidArgument,
        message: `Content-Type ${sent ? JSON.stringify(sent) : "(none)"} is not supported by ${name}: use ${contentTypesOf(handler)}`,
      };
    }
  }
}

function contentTypesOf(handler: UniversalHandler): string {
  const streaming = handler.method.methodKind !== "unary";
  const connect = streaming
    ? "application/connect+json or application/connect+proto (Connect)"
    : "application/json or application/proto (Connect)";
  return `${connect}, application/grpc (gRPC) or application/grpc-web (gRPC-Web)`;
}

function unknownRpc(path: string, handlers: ReadonlyMap<string, UniversalHandler>): string {
  const [, service = "", method = ""] = path.split("/");
  const known = [...handlers.values()].some((h) => h.service.typeName === service);
  return known ? `${service} has no method ${method}` : `unknown service ${service}`;
}

/** True when a `te` header lists `trailers` (HTTP/2 allows no other value). */
function acceptsTrailers(te: string | string[] | undefined): boolean {
  return [te ?? []].flat().some((value) => /(?:^|,)\s*trailers\s*(?:[,;]|$)/i.test(value));
}

function headerCount(rawHeaders: readonly string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) count++;
  }
  return count;
}
