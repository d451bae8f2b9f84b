import { type DescMethod, fromBinary, type Message, toBinary } from "@bufbuild/protobuf";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import { universalRequestFromNodeRequest } from "@connectrpc/connect-node";
import { watchClient } from "../server/client-gone.js";
import type { NodeRequest, NodeResponse } from "../server/node-http.js";
import { connectErrorMessage } from "./error-body.js";

/** What a method answered: its response message, or an error's HTTP status and message. */
export type CallResult =
  | { readonly ok: true; readonly message: Message; readonly header: Headers }
  | { readonly ok: false; readonly status: number; readonly message: string };

// Request headers that describe the REST exchange itself, not the call: the
// call gets its own body, framing and encoding.
const droppedRequestHeaders = [
  "accept-encoding",
  "connection",
  "content-encoding",
  "content-length",
  "content-type",
  "keep-alive",
  "te",
  "transfer-encoding",
  "upgrade",
];

/**
 * Calls a Connect handler in process with a request message, as a Connect
 * unary call in the binary format, so the call takes the same path as any
 * RPC: interceptors, deadlines (`Connect-Timeout-Ms`), limits and error
 * mapping. The REST request's other headers go along (and `X-Request-Id`);
 * its client leaving cancels the call.
 */
export async function callHandler(
  handler: UniversalHandler,
  method: DescMethod,
  input: Message,
  req: NodeRequest,
  res: NodeResponse,
  requestId: string,
): Promise<CallResult> {
  // The JSON placeholder keeps the helper from reading the (already read) body.
  const incoming = universalRequestFromNodeRequest(req, res, null, undefined);
  const header = new Headers(incoming.header);
  for (const name of droppedRequestHeaders) header.delete(name);
  header.set("content-type", "application/proto");
  header.set("connect-protocol-version", "1");
  header.set("x-request-id", requestId);
  const body = toBinary(method.input, input as never);
  const response = await handler({
    ...incoming,
    signal: watchClient(req, res).signal,
    url: new URL(handler.requestPath, incoming.url).toString(),
    method: "POST",
    header,
    body: oneChunk(body),
  });
  const bytes = await readAll(response.body);
  if (response.status !== 200) {
    return {
      ok: false,
      status: response.status,
      message: connectErrorMessage(response.status, bytes),
    };
  }
  return {
    ok: true,
    message: fromBinary(method.output, bytes),
    header: forwardedHeaders(response.header),
  };
}

/** The response headers a REST answer passes on: not the Connect framing ones. */
function forwardedHeaders(header: Headers | undefined): Headers {
  const forwarded = new Headers();
  header?.forEach((value, name) => {
    const framing =
      name.startsWith("content-") || name.startsWith("connect-") || name.startsWith("trailer-");
    if (!framing) forwarded.set(name, value);
  });
  return forwarded;
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function readAll(body: AsyncIterable<Uint8Array> | undefined): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  if (body) for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
