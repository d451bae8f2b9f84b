import { Redis } from "ioredis";

/** What XINFO GROUPS says of one consumer group. */
export interface GroupInfo {
  /** Entries delivered to the group's consumers so far (`entries-read`). */
  readonly read: number;
  /** Entries not yet delivered (`lag`; null when Redis cannot tell). */
  readonly lag: number | null;
  /** Entries delivered and not yet acknowledged. */
  readonly pending: number;
}

/** The group's counters; all zero when the stream or the group does not exist yet. */
export async function groupInfo(
  client: Redis,
  stream: string,
  group = "notification-service",
): Promise<GroupInfo> {
  const groups = (await client.xinfo("GROUPS", stream).catch(() => [])) as unknown[][];
  const fields = new Map<unknown, unknown>();
  const mine = groups.find((g) => g[1] === group) ?? [];
  for (let i = 0; i + 1 < mine.length; i += 2) fields.set(mine[i], mine[i + 1]);
  return {
    read: Number(fields.get("entries-read") ?? 0),
    lag: (fields.get("lag") as number | null | undefined) ?? null,
    pending: Number(fields.get("pending") ?? 0),
  };
}

/** A client for a test's own commands, quiet about reconnecting while the server is down. */
export function quietRedisClient(url: string): Redis {
  const client = new Redis(url);
  client.on("error", () => {});
  return client;
}
