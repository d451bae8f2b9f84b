import { isIPv6 } from "node:net";
import type { RiakNodeAddress } from "./client.js";

/** The port of Riak's protocol-buffers listener when a node entry names none. */
export const defaultRiakPort = 8087;

// A DNS name or IPv4 address: letters, digits, hyphens and underscores, in dot-separated labels.
const hostName =
  /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/;

/**
 * Parses a comma-separated node list such as `RIAK_NODES`:
 * `"riak1:8087,riak2,[::1]:10017"`. A missing port means 8087; IPv6
 * addresses go in brackets. Throws an Error naming the first bad entry: an
 * empty entry, a host that is not a DNS name or IP address, a bad port, an
 * unbracketed IPv6 address, or a node listed twice.
 */
export function parseRiakNodes(list: string): RiakNodeAddress[] {
  const entries = list.split(",").map((entry) => entry.trim());
  const nodes: RiakNodeAddress[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const node = parseEntry(entry, index + 1);
    const key = `${node.host}:${node.port}`;
    if (seen.has(key)) throw new Error(`Riak node "${entry}" is listed twice in "${list}"`);
    seen.add(key);
    nodes.push(node);
  }
  return nodes;
}

function parseEntry(entry: string, position: number): RiakNodeAddress {
  if (entry === "") {
    throw new Error(`Riak node list: entry ${position} is empty (expected host or host:port)`);
  }
  const match = /^(?:\[([^\]]*)\]|([^:[\]]+))(?::([^:]*))?$/.exec(entry);
  const bracketed = match?.[1];
  const host = bracketed ?? match?.[2] ?? "";
  if (match === null || !(bracketed === undefined ? hostName.test(host) : isIPv6(host))) {
    throw new Error(
      `invalid Riak node "${entry}": expected host or host:port, the host a DNS name or IP address, with IPv6 addresses in brackets ([::1]:8087)`,
    );
  }
  const portText = match[3];
  if (portText === undefined) return { host, port: defaultRiakPort };
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new Error(`invalid Riak node "${entry}": the port must be a number from 1 to 65535`);
  }
  return { host, port };
}
