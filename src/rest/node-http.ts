export type { NodeHandler, NodeRequest, NodeResponse } from "../server/node-http.js";
