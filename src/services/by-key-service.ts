import type { ServiceImpl } from "@connectrpc/connect";
import { type JobContent, type JobKind, newJob } from "../domain/job.js";
import { checkNotificationKey } from "../domain/producer-validation.js";
import { checkMessage, checkProperties, limits } from "../domain/validation.js";
import { ValidationError } from "../domain/validation-error.js";
import type { NotificationService } from "../gen/notification/v1/notification_pb.js";
import type { ServiceDependencies } from "./dependencies.js";
import type { JobRunner } from "./job-runner.js";
import { jobToProto } from "./job-to-proto.js";

type ByKeyMethods = Pick<
  ServiceImpl<typeof NotificationService>,
  "updateNotificationsByKey" | "deleteNotificationsByKey" | "markNotificationsReadByKey"
>;

/**
 * Changes by key (contract §9.2): every copy of the notifications a producer
 * gave `key`, for every user the key index lists, as a durable job. A job
 * over at most `producers.inline_job_max` users is done before the answer.
 */
export function createByKeyMethods(deps: ServiceDependencies, runner: JobRunner): ByKeyMethods {
  const start = async (kind: JobKind, key: string, content: JobContent) => {
    const total = await deps.repositories.keyIndex.count(key);
    const job = newJob({
      id: deps.newId(),
      kind,
      target: key,
      content,
      fingerprint: "",
      total,
      now: deps.now(),
    });
    const inline = total <= deps.producers.inlineJobMax;
    const stored = await runner.submit(job, { now: inline });
    return { job: jobToProto((inline && (await runner.settled(job.id))) || stored) };
  };
  return {
    async updateNotificationsByKey(req) {
      checkNotificationKey(req.key);
      if (req.message !== undefined) checkMessage(req.message);
      checkProperties(req.properties);
      checkRemovedProperties(req.removeProperties);
      if (
        req.message === undefined &&
        Object.keys(req.properties).length === 0 &&
        req.removeProperties.length === 0
      ) {
        throw new ValidationError(
          "message",
          "an update by key must change something: send message, properties or remove_properties",
        );
      }
      return start("update_by_key", req.key, {
        category: "",
        message: req.message,
        properties: req.properties,
        key: "",
        removeProperties: req.removeProperties,
      });
    },

    async deleteNotificationsByKey(req) {
      checkNotificationKey(req.key);
      return start("delete_by_key", req.key, noContent);
    },

    async markNotificationsReadByKey(req) {
      checkNotificationKey(req.key);
      return start("read_by_key", req.key, noContent);
    },
  };
}

/** What a delete or a mark by key carries: nothing but its target. */
const noContent: JobContent = {
  category: "",
  message: undefined,
  properties: {},
  key: "",
  removeProperties: [],
};

/** Throws unless at most 32 property names, each 1 to 64 characters. */
function checkRemovedProperties(names: readonly string[]): void {
  if (names.length > limits.propertiesMax) {
    throw new ValidationError(
      "remove_properties",
      `remove_properties must name at most ${limits.propertiesMax} properties (got ${names.length})`,
    );
  }
  for (const name of names) {
    const length = [...name].length;
    if (length < 1 || length > limits.propertyKeyMax) {
      throw new ValidationError(
        "remove_properties",
        `remove_properties entries must be 1 to ${limits.propertyKeyMax} characters (got ${length})`,
      );
    }
  }
}
