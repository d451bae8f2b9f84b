import { type DescMessage, fromJson, type JsonObject, type MessageShape } from "@bufbuild/protobuf";
import { ValidationError } from "../domain/validation-error.js";
import {
  type CreateNotificationRequest,
  CreateNotificationRequestSchema,
  type CreateNotificationsRequest,
  CreateNotificationsRequestSchema,
} from "../gen/notification/v1/notification_pb.js";

/** What an ingested entry asks for: one user's notification, or a fan-out to several. */
export type IngestRequest =
  | { readonly kind: "single"; readonly request: CreateNotificationRequest }
  | { readonly kind: "fan-out"; readonly request: CreateNotificationsRequest };

/**
 * Reads an entry's JSON as the API's JSON reads a request body: a
 * `CreateNotificationRequest` (`username`), or with `usernames` a
 * `CreateNotificationsRequest`; proto field names or their camelCase JSON
 * names; an unknown field is an error. Throws a {@link ValidationError}
 * naming the field at fault. What the values must be (lengths, characters)
 * is checked where every create is, by the service.
 */
export function parseIngestRequest(json: string): IngestRequest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new ValidationError("request", `request is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ValidationError(
      "request",
      `request must be a JSON object (got ${Array.isArray(value) ? "an array" : JSON.stringify(value)})`,
    );
  }
  const object = value as JsonObject;
  if ("usernames" in object) {
    if ("username" in object) {
      throw new ValidationError(
        "usernames",
        "request has both username and usernames: send username for one user, or usernames for a fan-out",
      );
    }
    return { kind: "fan-out", request: decode(CreateNotificationsRequestSchema, object) };
  }
  return { kind: "single", request: decode(CreateNotificationRequestSchema, object) };
}

function decode<Desc extends DescMessage>(schema: Desc, object: JsonObject): MessageShape<Desc> {
  try {
    return fromJson(schema, object, { ignoreUnknownFields: false });
  } catch (error) {
    // protobuf-es names the field in its message ("cannot decode field
    // notification.v1.X.category from JSON: ..." or "key "bogus" is unknown").
    const message = (error as Error).message;
    throw new ValidationError(fieldOf(message, schema.typeName), message);
  }
}

function fieldOf(message: string, typeName: string): string {
  const field = new RegExp(`field ${typeName.replaceAll(".", "\\.")}\\.(\\w+)`).exec(message);
  if (field?.[1]) return snakeCase(field[1]);
  const unknown = /key "([^"]*)" is unknown/.exec(message);
  return unknown?.[1] ?? "request";
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
