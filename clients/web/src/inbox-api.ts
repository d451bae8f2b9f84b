import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { NotificationService } from "../gen/notification/v1/notification_pb.js";
import { StreamService } from "../gen/notification/v1/stream_pb.js";
import type { TokenSource } from "./token-source.js";

/** The service's clients the inbox calls. */
export interface InboxApi {
  readonly notifications: Client<typeof NotificationService>;
  readonly streams: Client<typeof StreamService>;
}

/**
 * Clients of the service at `baseUrl` over the Connect protocol (binary
 * messages; the stream over `fetch`), every call carrying the token source's
 * current token as `Authorization: Bearer`, when there is one.
 */
export function createInboxApi(baseUrl: string, tokens: TokenSource): InboxApi {
  const bearer: Interceptor = (next) => async (request) => {
    const token = await tokens.current();
    if (token !== undefined) request.header.set("authorization", `Bearer ${token}`);
    return next(request);
  };
  const transport = createConnectTransport({
    baseUrl,
    useBinaryFormat: true,
    interceptors: [bearer],
  });
  return {
    notifications: createClient(NotificationService, transport),
    streams: createClient(StreamService, transport),
  };
}
