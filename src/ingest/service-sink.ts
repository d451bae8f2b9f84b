import { create } from "@bufbuild/protobuf";
import { createHandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { ValidationError } from "../domain/validation-error.js";
import {
  CreateNotificationRequestSchema,
  type CreateNotificationsRequest,
  NotificationService,
} from "../gen/notification/v1/notification_pb.js";
import type { FanOutOutcome, IngestSink, RecipientRejection } from "./ingest-sink.js";

/** Most users one fan-out may name (contract §9.3). */
const fanOutMax = 1000;

/**
 * The sink over the NotificationService implementation, called in process
 * as an RPC would call it (the same validation, storage, idempotency and
 * live events), without a transport: its errors arrive as the service threw
 * them, so the consumer tells bad input from an outage by their type.
 */
export function createServiceSink(
  service: Partial<ServiceImpl<typeof NotificationService>>,
): IngestSink {
  const createNotification = service.createNotification;
  if (!createNotification) throw new Error("the NotificationService has no CreateNotification");
  const method = NotificationService.method.createNotification;
  const context = () =>
    createHandlerContext({
      service: NotificationService,
      method,
      protocolName: "ingest",
      requestMethod: "POST",
      url: `ingest:///${NotificationService.typeName}/${method.name}`,
    });
  const sink: IngestSink = {
    async create(request) {
      const ctx = context();
      try {
        const response = await createNotification(request, ctx);
        return { replayed: response.replayed ?? false };
      } finally {
        // As when an RPC completes: whatever listens on the call's signal is released.
        ctx.abort();
      }
    },

    async createMany(request: CreateNotificationsRequest): Promise<FanOutOutcome> {
      const { usernames } = request;
      if (usernames.length < 1 || usernames.length > fanOutMax) {
        throw new ValidationError(
          "usernames",
          `usernames must name 1 to ${fanOutMax} users (got ${usernames.length})`,
        );
      }
      // One create per user, each with the entry's key (idempotency keys are
      // per user), so a redelivery replays every user's copy.
      const results = await Promise.allSettled(
        usernames.map((username) =>
          sink.create(
            create(CreateNotificationRequestSchema, {
              username,
              category: request.category,
              message: request.message,
              properties: request.properties,
              key: request.key,
              idempotencyKey: request.idempotencyKey,
            }),
          ),
        ),
      );
      const rejected: RecipientRejection[] = [];
      let stored = 0;
      let replayed = 0;
      for (const [index, result] of results.entries()) {
        if (result.status === "fulfilled") {
          if (result.value.replayed) replayed++;
          else stored++;
        } else if (result.reason instanceof ValidationError) {
          rejected.push({ username: usernames[index] ?? "", message: result.reason.message });
        } else {
          // An outage: the whole entry is retried; the users stored now replay.
          throw result.reason;
        }
      }
      return { stored, replayed, rejected };
    },
  };
  return sink;
}
