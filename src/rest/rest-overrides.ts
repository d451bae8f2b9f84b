import type { DescMethod } from "@bufbuild/protobuf";

/**
 * What a method's REST binding needs beyond its `google.api.http` annotation
 * (contract §3). Every field is optional; an absent field changes nothing.
 */
export interface RestOverride {
  /** The HTTP status of a success. Default 200; 204 sends no body. */
  readonly status?: 200 | 201 | 204;
  /**
   * Request headers that carry a field of the request, by header name (lower
   * case) to the field's proto name, e.g. `Idempotency-Key`. A header and the
   * same field in the body together are a 400.
   */
  readonly headerFields?: Readonly<Record<string, string>>;
  /**
   * Response headers that report a bool field of the response, by the field's
   * proto name to the header name: sent as `true` when the field is true
   * (`Idempotent-Replayed`), left out otherwise.
   */
  readonly flagHeaders?: Readonly<Record<string, string>>;
  /**
   * A response field holding a `Job`: when set, the answer has
   * `Location: /v1/jobs/{id}` and is `202 Accepted` until the job is done.
   */
  readonly jobField?: string;
  /** `Location` of a success: a path template filled from the request's fields. */
  readonly location?: string;
  /** `Cache-Control` of a success. */
  readonly cacheControl?: string;
  /** Query parameters that carry a comma-separated list (`?ids=a,b,c`). */
  readonly commaLists?: readonly string[];
  /** Short query parameter names for field paths (see `QueryOptions.aliases`). */
  readonly queryAliases?: Readonly<Record<string, string>>;
  /**
   * "Everything" by omission (contract §3.3: a DELETE without `ids` deletes
   * all): when the request sets neither the repeated field `list` nor the
   * bool field `flag`, `flag` is set to true. A `list` present but naming
   * nothing (`?ids=`) reaches the method as an empty list, which it refuses.
   */
  readonly omittedListMeansAll?: { readonly list: string; readonly flag: string };
  /**
   * A bool response field that, when true, says the call created nothing
   * (a create the user's preferences suppressed): the answer is then 200,
   * without `Location`, and its body is the whole response message, such as
   * `{"suppressed": true}`, instead of the `response_body` field.
   */
  readonly createdUnless?: string;
  /** Scalar response fields written even when false, 0 or empty. */
  readonly emitDefaults?: readonly string[];
  /** Paging by the `Range` header over a list method (contract §3.2). */
  readonly rangePaging?: RangePaging;
}

/** The fields `Range` paging reads and writes, by proto name. */
export interface RangePaging {
  /** Request: top-level items per page. */
  readonly pageSize: string;
  /** Request: where the page starts (a page token). */
  readonly pageToken: string;
  /** Response: non-empty when more items follow. */
  readonly nextPageToken: string;
  /** Response: the Timestamp that `Last-Modified` reports. */
  readonly lastModified: string;
}

/** Overrides by method, keyed `<package.Service>/<Method>`. */
export type RestOverrides = Readonly<Record<string, RestOverride>>;

/** The key of a method in a `RestOverrides` table. */
export function overrideKey(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}

const noStore = "no-cache, no-store, no-transform, must-revalidate";

// The filter's query parameters (contract §7.3): `category` (repeatable or
// comma-separated), `read=unread|read`, `archived=true`, `property.<key>=<value>`.
const filterAliases = {
  category: "filter.categories",
  read: "filter.read",
  archived: "filter.archived",
  property: "filter.properties",
} as const;
const filtered = { queryAliases: filterAliases, commaLists: ["filter.categories"] } as const;

/** The REST contract of the predecessor (contract §3), one row per method. */
const idempotencyKeyHeader = { "idempotency-key": "idempotency_key" } as const;

export const restOverrides: RestOverrides = Object.freeze({
  "notification.v1.NotificationService/CreateNotification": {
    status: 201,
    location: "/v1/notifications/{username}",
    createdUnless: "suppressed",
    headerFields: idempotencyKeyHeader,
    flagHeaders: { replayed: "idempotent-replayed" },
  },
  "notification.v1.NotificationService/CreateNotifications": {
    headerFields: idempotencyKeyHeader,
  },
  "notification.v1.NotificationService/UpdateNotificationsByKey": { jobField: "job" },
  "notification.v1.NotificationService/DeleteNotificationsByKey": { jobField: "job" },
  "notification.v1.NotificationService/MarkNotificationsReadByKey": { jobField: "job" },
  "notification.v1.TopicService/RemoveTopicSubscribers": { commaLists: ["usernames"] },
  "notification.v1.TopicService/PublishToTopic": {
    headerFields: idempotencyKeyHeader,
    jobField: "job",
  },
  "notification.v1.NotificationService/ListNotifications": {
    ...filtered,
    cacheControl: noStore,
    emitDefaults: ["unseen", "read", "archived"],
    rangePaging: {
      pageSize: "page_size",
      pageToken: "page_token",
      nextPageToken: "next_page_token",
      lastModified: "last_modified",
    },
  },
  "notification.v1.NotificationService/DeleteNotifications": {
    status: 204,
    commaLists: ["ids"],
    omittedListMeansAll: { list: "ids", flag: "all" },
  },
  "notification.v1.NotificationService/CountNotifications": {
    ...filtered,
    cacheControl: noStore,
    emitDefaults: ["total", "unseen", "unread"],
  },
  "notification.v1.NotificationService/MarkNotificationsRead": { status: 204 },
  "notification.v1.NotificationService/MarkNotificationsUnread": { status: 204 },
  "notification.v1.NotificationService/ArchiveNotifications": { status: 204 },
  "notification.v1.NotificationService/UnarchiveNotifications": { status: 204 },
  "notification.v1.NotificationService/MarkNotificationsSeen": { status: 204 },
  "notification.v1.RuleService/PutRule": { status: 204 },
  "notification.v1.RuleService/DeleteRule": { status: 204 },
  "notification.v1.RuleService/ListRules": { cacheControl: noStore },
  "notification.v1.PreferenceService/GetPreferences": { cacheControl: noStore },
  "notification.v1.PreferenceService/Unsubscribe": { status: 204 },
});
