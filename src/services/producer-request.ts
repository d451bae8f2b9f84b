import { ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import { producerIdempotencyKey } from "../domain/idempotency.js";
import {
  checkContent,
  fingerprintOf,
  type NotificationContent,
} from "../domain/notification-content.js";
import { checkIdempotencyKey } from "../domain/producer-validation.js";
import type {
  CreateNotificationRequest,
  CreateNotificationsRequest,
} from "../gen/notification/v1/notification_pb.js";
import { toConnectError } from "../server/error-mapping.js";
import type { Delivery, DeliveryResult } from "./deliver.js";
import { storedToProto } from "./to-proto.js";

/**
 * What a producer's create (single or fan-out) asks for, checked: the content
 * and, with an idempotency key, the mark each copy carries.
 */
export function producerDelivery(
  req: CreateNotificationRequest | CreateNotificationsRequest,
  usernameField: (index: number) => string,
): Omit<Delivery, "usernames"> {
  const content: NotificationContent = {
    category: req.category,
    message: req.message,
    properties: req.properties,
    key: req.key,
  };
  checkContent(content);
  if (req.idempotencyKey === "") return { content, usernameField };
  checkIdempotencyKey(req.idempotencyKey);
  return {
    content,
    usernameField,
    idempotency: {
      key: producerIdempotencyKey(req.idempotencyKey),
      fingerprint: fingerprintOf(content),
    },
  };
}

/** A recipient's answer: its copy, flagged when replayed or suppressed. */
export function createResponse(result: DeliveryResult | undefined) {
  if (result?.kind === "suppressed") return { suppressed: true };
  if (result?.kind === "created" || result?.kind === "replayed") {
    return {
      notification: storedToProto(result.notification),
      replayed: result.kind === "replayed",
    };
  }
  return {};
}

/** What a recipient of a fan-out is told of its failure: the code and message any call would get. */
export function recipientError(error: unknown, requestId: string) {
  const mapped = toConnectError(error, requestId);
  if (mapped instanceof ConnectError) {
    return { code: codeToString(mapped.code), message: mapped.rawMessage };
  }
  return { code: "internal", message: "internal error" };
}
