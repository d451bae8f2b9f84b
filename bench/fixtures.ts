import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CreateNotificationRequestSchema } from "../src/gen/notification/v1/notification_pb.js";
import type { PutRuleRequestSchema } from "../src/gen/notification/v1/rule_pb.js";

type CreateRequest = MessageInitShape<typeof CreateNotificationRequestSchema>;

const categories = ["like", "new-follower", "comment", "mention"] as const;

/**
 * The `i`-th notification of a bench user: four categories in turn (three of
 * them with a rule), a property that `match_on` groups by, a short message.
 */
export function notificationRequest(username: string, i: number): CreateRequest {
  return {
    username,
    category: categories[i % categories.length] ?? "like",
    message: `Bench notification number ${i} for ${username}`,
    properties: { post: `post-${i % 7}`, actor: `user-${i % 101}` },
  };
}

/** The three rules active in the list figures: one of each kind. */
export const benchRules: readonly MessageInitShape<typeof PutRuleRequestSchema>[] = [
  { category: "like", rule: { maxSize: 10 } },
  { category: "new-follower", rule: { maxDuration: "1 hour" } },
  { category: "comment", rule: { matchOn: "post" } },
];

/** Stores `count` notifications for a user, 32 at a time (group commit batches them). */
export async function fillInbox(
  create: (request: CreateRequest) => Promise<unknown>,
  username: string,
  count: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await create(notificationRequest(username, next++));
  };
  await Promise.all(Array.from({ length: Math.min(32, count) }, worker));
}
