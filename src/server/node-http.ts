import type { ConnectNodeAdapterOptions } from "@connectrpc/connect-node";

/** A request listener for both Node HTTP servers (http and http2), as the Connect adapter's `fallback`. */
export type NodeHandler = NonNullable<ConnectNodeAdapterOptions["fallback"]>;

/** A request of Node's http or http2 server. */
export type NodeRequest = Parameters<NodeHandler>[0];

/** A response of Node's http or http2 server. */
export type NodeResponse = Parameters<NodeHandler>[1];
