import { checkUsernameCount } from "../domain/producer-validation.js";
import { checkUsername } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type {
  CreateNotificationRequest,
  CreateNotificationsRequest,
} from "../gen/notification/v1/notification_pb.js";
import { deliver } from "../services/deliver.js";
import type { ServiceDependencies } from "../services/dependencies.js";
import { producerDelivery } from "../services/producer-request.js";
import type { FanOutOutcome, IngestSink, RecipientRejection } from "./ingest-sink.js";

/**
 * The sink over the services' one create path (`deliver`), checked as
 * CreateNotification and CreateNotifications check their requests: the
 * same validation, idempotent writes, key index and live events as an RPC,
 * without a transport, so that the errors arrive as the services threw them
 * and the consumer tells bad input from an outage by their type.
 */
export function createServiceSink(deps: ServiceDependencies): IngestSink {
  return {
    async create(request: CreateNotificationRequest) {
      checkUsername(request.username);
      const delivery = producerDelivery(request, () => "username");
      const [result] = await deliver(deps, { ...delivery, usernames: [request.username] });
      if (result === undefined) throw new Error("deliver answered no result");
      if (result.kind === "failed") throw result.error;
      return { kind: result.kind };
    },

    async createMany(request: CreateNotificationsRequest): Promise<FanOutOutcome> {
      checkUsernameCount(request.usernames);
      const delivery = producerDelivery(request, (index) => `usernames[${index}]`);
      const results = await deliver(deps, { ...delivery, usernames: request.usernames });
      const rejected: RecipientRejection[] = [];
      let stored = 0;
      let replayed = 0;
      let suppressed = 0;
      for (const [index, result] of results.entries()) {
        if (result.kind === "created") stored++;
        else if (result.kind === "replayed") replayed++;
        else if (result.kind === "suppressed") suppressed++;
        else if (result.error instanceof ValidationError) {
          rejected.push({
            username: request.usernames[index] ?? "",
            message: result.error.message,
          });
        } else {
          // An outage: the whole entry is retried; the users stored now replay.
          throw result.error;
        }
      }
      return { stored, replayed, suppressed, rejected };
    },
  };
}
