export type { CallOptions, Interceptor } from "@connectrpc/connect";
export { Code, ConnectError } from "@connectrpc/connect";
export {
  type Job,
  JobState,
  type ListNotificationsResponse,
  type Notification,
  type RecipientError,
  type RecipientResult,
} from "../gen/notification/v1/notification_pb.js";
export type {
  CategoryPreferences,
  EmailPreferences,
  GetPreferencesResponse,
  Preferences,
} from "../gen/notification/v1/preference_pb.js";
export type { Rule } from "../gen/notification/v1/rule_pb.js";
export type {
  Broadcast,
  CursorMoved,
  InboxCounts,
  InboxState,
  NotificationsArchived,
  NotificationsArchivedAll,
  NotificationsCleared,
  NotificationsDeleted,
  NotificationsRead,
  NotificationsReadAll,
  NotificationUpdated,
} from "../gen/notification/v1/stream_pb.js";
export type { ListTopicSubscribersResponse } from "../gen/notification/v1/topic_pb.js";
export type { Protocol, TokenSource, TransportOptions } from "./create-transport.js";
export {
  createNotificationClient,
  type InboxCountsResult,
  type InboxFilter,
  type ListAllOptions,
  type NotificationClient,
  type NotificationClientOptions,
  type NotificationContent,
  type PageRequest,
  type RuleInit,
} from "./notification-client.js";
export type { PreferenceClient, PreferencesInit } from "./preference-client.js";
export type { KeyUpdate, ProducerClient, ProducerContent, WaitOptions } from "./producer-client.js";
export { defaultReconnectOptions, type ReconnectOptions } from "./reconnect.js";
export type { SubscribeEvent, SubscribeOptions } from "./subscription.js";
