import { adminScope, type Principal, writeScope } from "./principal.js";

/**
 * What a call needs:
 * - `public`: nothing, not even a token (health, reflection);
 * - `owner`: a token for the user the request's `field` names (that user's
 *   own inbox, stream or preferences), or scope `notifications:admin`;
 * - `write`: scope `notifications:write` or `notifications:admin` (producers);
 * - `admin`: scope `notifications:admin`.
 */
export type Access =
  | { readonly kind: "public" }
  | { readonly kind: "owner"; readonly field: string }
  | { readonly kind: "write" }
  | { readonly kind: "admin" };

/** The access table: one row per `package.Service/Method`. */
export type AccessPolicy = Readonly<Record<string, Access>>;

const owner = (field = "username"): Access => ({ kind: "owner", field });
const write: Access = { kind: "write" };
const admin: Access = { kind: "admin" };
const open: Access = { kind: "public" };

/**
 * Who may call what (contract §8). Every method the server registers must
 * have a row (the auth interceptor refuses to start otherwise, and a call of
 * a method without one is denied). A user token reaches only its own inbox,
 * stream and preferences; producers create for anyone; operators do all.
 */
export const accessPolicy: AccessPolicy = Object.freeze({
  "notification.v1.NotificationService/CreateNotification": write,
  "notification.v1.NotificationService/CreateNotifications": write,
  "notification.v1.NotificationService/ListNotifications": owner(),
  "notification.v1.NotificationService/CountNotifications": owner(),
  "notification.v1.NotificationService/DeleteNotifications": owner(),
  "notification.v1.NotificationService/MarkNotificationsRead": owner(),
  "notification.v1.NotificationService/MarkNotificationsUnread": owner(),
  "notification.v1.NotificationService/MarkNotificationsSeen": owner(),
  "notification.v1.NotificationService/ArchiveNotifications": owner(),
  "notification.v1.NotificationService/UnarchiveNotifications": owner(),
  "notification.v1.NotificationService/UpdateNotificationsByKey": write,
  "notification.v1.NotificationService/DeleteNotificationsByKey": write,
  "notification.v1.NotificationService/MarkNotificationsReadByKey": write,
  "notification.v1.StreamService/Subscribe": owner(),
  "notification.v1.TopicService/AddTopicSubscribers": write,
  "notification.v1.TopicService/RemoveTopicSubscribers": write,
  "notification.v1.TopicService/ListTopicSubscribers": write,
  "notification.v1.TopicService/PublishToTopic": write,
  "notification.v1.JobService/GetJob": write,
  "notification.v1.PreferenceService/GetPreferences": owner(),
  "notification.v1.PreferenceService/UpdatePreferences": owner(),
  // The signed token in the request is the credential (a digest's link).
  "notification.v1.PreferenceService/Unsubscribe": open,
  "notification.v1.RuleService/PutRule": admin,
  "notification.v1.RuleService/DeleteRule": admin,
  "notification.v1.RuleService/ListRules": admin,
  "grpc.health.v1.Health/Check": open,
  "grpc.health.v1.Health/Watch": open,
  "grpc.health.v1.Health/List": open,
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": open,
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": open,
});

/**
 * Why `principal` may not make this call, or undefined when it may.
 * `method` is the method's name (`ListNotifications`), `request` the decoded
 * request message.
 */
export function denialOf(
  access: Access,
  principal: Principal,
  method: string,
  request: unknown,
): string | undefined {
  if (access.kind === "public" || principal.scopes.has(adminScope)) return undefined;
  switch (access.kind) {
    case "admin":
      return `${method} needs scope ${adminScope}`;
    case "write":
      return principal.scopes.has(writeScope)
        ? undefined
        : `${method} needs scope ${writeScope} or ${adminScope}`;
    case "owner": {
      const target = (request as Record<string, unknown> | undefined)?.[access.field];
      if (principal.user === undefined) {
        return `${method} needs a token for the user it names (this token names no user) or scope ${adminScope}`;
      }
      if (target === principal.user) return undefined;
      return `${method} names another user: a user's token reaches only that user's own inbox, stream and preferences`;
    }
  }
}
