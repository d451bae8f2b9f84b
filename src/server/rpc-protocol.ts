/** The RPC protocols of the API port, as a request's Content-Type names them. */
export type RpcProtocol = "grpc" | "grpc-web" | "connect";

/**
 * The protocol a Content-Type belongs to: `application/grpc-web…` is
 * gRPC-Web, `application/grpc…` gRPC, anything else (`application/json`,
 * `application/proto`, `application/connect+…`, none) Connect. Whether the
 * exact type is supported is Connect's to say; this only picks the format an
 * error is answered in.
 */
export function rpcProtocolOf(contentType: string | undefined): RpcProtocol {
  const type = (contentType ?? "").trim().toLowerCase();
  if (type.startsWith("application/grpc-web")) return "grpc-web";
  if (type.startsWith("application/grpc")) return "grpc";
  return "connect";
}

/**
 * True for requests whose body is a sequence of enveloped messages (a flags
 * byte, a 4-byte length, the message): gRPC, gRPC-Web and Connect streaming
 * (`application/connect+proto`, `application/connect+json`).
 */
export function isEnveloped(contentType: string | undefined): boolean {
  const type = (contentType ?? "").trim().toLowerCase();
  return type.startsWith("application/grpc") || type.startsWith("application/connect+");
}
