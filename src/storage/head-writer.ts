import { type SegmentContents, type UpkeepOptions, upkeep } from "../domain/head-upkeep.js";
import type { InboxChange } from "../domain/inbox-changes.js";
import { emptyHead, type InboxHead } from "../domain/inbox-head.js";
import type { StoredNotification } from "../domain/notification.js";
import { StorageUnavailableError } from "./errors.js";
import type { PreparedWrite } from "./resolving-store.js";
import type { SegmentStore } from "./segment-store.js";

// Rounds of reading segments one write of a head may take: step by step, the
// upkeep needs what a delete-all covers, what the head may already have
// sealed, then each level's compaction (docs/storage.md). More means a bug.
const maxRounds = 8;

/**
 * The step of a head's write between applying its changes and storing it:
 * the upkeep (`head-upkeep.ts`), with the segments it asks for read (in
 * parallel, those a delete-all covers at `complete`), the new segments it
 * makes stored before the head that references them, and the ones it no
 * longer references deleted once the head is stored.
 *
 * @param newKey issues a unique segment key.
 */
export function headWriter(
  segments: SegmentStore,
  options: UpkeepOptions,
  newKey: () => string,
): (
  username: string,
  current: InboxHead | undefined,
  next: InboxHead,
  changes: readonly InboxChange[],
) => Promise<PreparedWrite<InboxHead>> {
  return async (username, current, next, changes) => {
    const contents = new Map<string, readonly StoredNotification[] | null>();
    const purpose = changes.some((change) => change.kind === "clear") ? "complete" : "update";
    for (let round = 0; round < maxRounds; round++) {
      const plan = upkeep(
        current ?? emptyHead,
        next,
        changes,
        contents as SegmentContents,
        options,
        newKey,
      );
      if (plan.kind === "need") {
        const read = await segments.readMany(username, plan.keys, { purpose });
        for (const [key, content] of read) contents.set(key, content);
        continue;
      }
      if (plan.kind === "stale") {
        throw new StorageUnavailableError(
          `a delete-all of ${username}'s inbox read segments another instance replaced meanwhile; retry`,
        );
      }
      // Segments first: a head never references what is not stored.
      await Promise.all(plan.write.map((segment) => segments.write(username, segment)));
      const { drop } = plan;
      return {
        value: plan.head,
        ...(drop.length > 0 && { afterWrite: () => segments.remove(username, drop) }),
      };
    }
    throw new Error(`the upkeep of ${username}'s inbox head kept asking for segments`);
  };
}
