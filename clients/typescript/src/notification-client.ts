import type { MessageInitShape } from "@bufbuild/protobuf";
import { type CallOptions, Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  type CountNotificationsResponse,
  type ListNotificationsResponse,
  type Notification,
  type NotificationFilterSchema,
  NotificationService,
  ReadFilter,
} from "../gen/notification/v1/notification_pb.js";
import { type Rule, RuleService } from "../gen/notification/v1/rule_pb.js";
import { StreamService } from "../gen/notification/v1/stream_pb.js";
import { createTransport, type TransportOptions } from "./create-transport.js";
import { createPreferenceClient, type PreferenceClient } from "./preference-client.js";
import {
  createProducerClient,
  type ProducerClient,
  type ProducerContent,
} from "./producer-client.js";
import { type SubscribeEvent, type SubscribeOptions, subscribeWithResume } from "./subscription.js";

/** What a new notification says. */
export interface NotificationContent {
  /** 3 to 20 characters; rollup rules apply per category. */
  readonly category: string;
  /** 1 to 255 characters. */
  readonly message: string;
  /** At most 32 entries; keys 1 to 64 characters, values at most 1024. Default none. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Your name for the notification (see {@link ProducerContent.key}). Default none. */
  readonly key?: string;
  /**
   * Makes a retry safe: the same key for the same user within 24 hours
   * answers the first call's notification (see {@link ProducerContent.idempotencyKey}).
   */
  readonly idempotencyKey?: string;
}

/**
 * Which notifications a list, a count or a mark-all covers. Every field is
 * optional; none set is the inbox view (every category, read and unread, not
 * archived).
 */
export interface InboxFilter {
  /** Any of these categories. Default: every category. */
  readonly categories?: readonly string[];
  /** Only unread or only read ones. Default: both. */
  readonly read?: "unread" | "read";
  /** True: the archive view. Default false: the inbox view. */
  readonly archived?: boolean;
  /** Every pair must match a notification's property. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** Which page of an inbox to list. */
export interface PageRequest {
  /** Top-level items per page (a rollup counts as one). Default 20, at most 1000. */
  readonly pageSize?: number;
  /**
   * The previous page's `nextPageToken`, which belongs to the filter it was
   * listed with. Default empty: the first page.
   */
  readonly pageToken?: string;
  /**
   * What to list. Default: the inbox view, whose first page alone moves the
   * seen cursor.
   */
  readonly filter?: InboxFilter;
}

/** What a count answers: top-level items (a rollup is one), how many unseen, how many unread. */
export type InboxCountsResult = Pick<CountNotificationsResponse, "total" | "unseen" | "unread">;

/** Options of {@link NotificationClient.listAllNotifications}: the page size and filter, and call options for every page. */
export interface ListAllOptions extends CallOptions {
  /** Top-level items per request. Default 20, at most 1000. */
  readonly pageSize?: number;
  /** What to list. Default: the inbox view. */
  readonly filter?: InboxFilter;
}

/** A rollup rule; at least one field is set. */
export interface RuleInit {
  /** The most notifications a group holds, counting its head; at least 1. */
  readonly maxSize?: number;
  /** How much older than the head a member may be, such as `"12 hours"` or `"3m"`. */
  readonly maxDuration?: string;
  /** A property every member must share with the head. */
  readonly matchOn?: string;
}

/**
 * The notification service's API. Every method throws a `ConnectError` whose
 * `code` says what failed (INVALID_ARGUMENT names the field at fault) and takes
 * optional `CallOptions` (`signal`, `timeoutMs`, `headers`).
 */
export interface NotificationClient extends PreferenceClient, ProducerClient {
  /**
   * Stores a new notification for `username` and returns it with its id and
   * `createdAt`; `undefined` when the user muted the category in the inbox,
   * so that nothing was stored or streamed (see {@link PreferenceClient}).
   */
  createNotification(
    username: string,
    content: NotificationContent,
    options?: CallOptions,
  ): Promise<Notification | undefined>;
  /**
   * One page of the user's inbox, newest first, rolled up by the rules. Listing
   * the first page marks the whole inbox as seen (the flags in the answer are
   * those from before).
   */
  listNotifications(
    username: string,
    page?: PageRequest,
    options?: CallOptions,
  ): Promise<ListNotificationsResponse>;
  /**
   * Every top-level item of the user's inbox, newest first, fetched page by
   * page as the loop asks for more (rollup heads carry their children). Like
   * any first page, it marks the inbox as seen.
   */
  listAllNotifications(
    username: string,
    options?: ListAllOptions,
  ): AsyncGenerator<Notification, void, undefined>;
  /**
   * Deletes the given notifications (at most 1000; unknown ids are ignored).
   * An empty `ids` is INVALID_ARGUMENT, never a delete-all: use
   * {@link NotificationClient.deleteAllNotifications} for that.
   */
  deleteNotifications(
    username: string,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<void>;
  /** Deletes every notification of the user, and the user's cursor. */
  deleteAllNotifications(username: string, options?: CallOptions): Promise<void>;
  /** What paging the list with `filter` (default: the inbox view) would return, counted. */
  countNotifications(
    username: string,
    filter?: InboxFilter,
    options?: CallOptions,
  ): Promise<InboxCountsResult>;
  /** Marks the given notifications read (1 to 1000 ids; unknown ids are ignored). */
  markNotificationsRead(
    username: string,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<void>;
  /**
   * Marks read every notification that `filter` (default: the inbox view)
   * selects now, in one write; ones created afterwards stay unread.
   */
  markAllNotificationsRead(
    username: string,
    filter?: InboxFilter,
    options?: CallOptions,
  ): Promise<void>;
  /** Marks the given notifications unread (1 to 1000 ids). */
  markNotificationsUnread(
    username: string,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<void>;
  /** Moves the given notifications to the archive view (1 to 1000 ids). */
  archiveNotifications(
    username: string,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<void>;
  /** Archives every notification that `filter` (default: the inbox view) selects now. */
  archiveAllNotifications(
    username: string,
    filter?: InboxFilter,
    options?: CallOptions,
  ): Promise<void>;
  /** Moves the given notifications back to the inbox view (1 to 1000 ids). */
  unarchiveNotifications(
    username: string,
    ids: readonly string[],
    options?: CallOptions,
  ): Promise<void>;
  /**
   * Moves the seen cursor to `upTo` (default: the newest notification), never
   * backwards; resolves to the cursor after the call ("" when none).
   */
  markNotificationsSeen(username: string, upTo?: string, options?: CallOptions): Promise<string>;
  /** Creates or replaces the rule of `category`. */
  putRule(category: string, rule: RuleInit, options?: CallOptions): Promise<void>;
  /** Removes the rule of `category`; removing an absent rule succeeds. */
  deleteRule(category: string, options?: CallOptions): Promise<void>;
  /** Every rule, by category; `maxDuration` in canonical form (`"3 minutes"`). */
  listRules(options?: CallOptions): Promise<Record<string, Rule>>;
  /**
   * The user's inbox events as they happen, for as long as the loop runs:
   * reconnects with backoff when the stream breaks and resumes where it left
   * off (see {@link subscribeWithResume}). With a `token` function, a stream
   * that the server ends because its token expired reconnects at once with
   * a fresh token.
   */
  subscribe(
    username: string,
    options?: SubscribeOptions,
  ): AsyncGenerator<SubscribeEvent, void, undefined>;
}

/** Options of {@link createNotificationClient}. */
export type NotificationClientOptions = TransportOptions;

/**
 * A client of the notification service at `baseUrl` (such as
 * `http://localhost:8080`), speaking Connect (default), gRPC or gRPC-Web.
 */
export function createNotificationClient(
  baseUrl: string,
  options: NotificationClientOptions = {},
): NotificationClient {
  const transport = createTransport(baseUrl, options);
  const notifications = createClient(NotificationService, transport);
  const rules = createClient(RuleService, transport);
  const streams = createClient(StreamService, transport);
  return {
    ...createPreferenceClient(transport),
    ...createProducerClient(transport),
    async createNotification(username, content, callOptions) {
      const response = await notifications.createNotification(
        { username, ...content, properties: { ...content.properties } },
        callOptions,
      );
      if (response.suppressed) return undefined;
      if (!response.notification) {
        throw new ConnectError("CreateNotification answered without a notification", Code.Internal);
      }
      return response.notification;
    },
    listNotifications(username, { filter, ...page } = {}, callOptions) {
      return notifications.listNotifications(
        { username, ...page, ...(filter && { filter: filterMessage(filter) }) },
        callOptions,
      );
    },
    async *listAllNotifications(username, { pageSize = 0, filter, ...callOptions } = {}) {
      let pageToken = "";
      const filtered = filter && { filter: filterMessage(filter) };
      do {
        const page = await notifications.listNotifications(
          { username, pageSize, pageToken, ...filtered },
          callOptions,
        );
        yield* page.notifications;
        pageToken = page.nextPageToken;
      } while (pageToken !== "");
    },
    async deleteNotifications(username, ids, callOptions) {
      await notifications.deleteNotifications({ username, ids: [...ids] }, callOptions);
    },
    async deleteAllNotifications(username, callOptions) {
      await notifications.deleteNotifications({ username, all: true }, callOptions);
    },
    async countNotifications(username, filter, callOptions) {
      const { total, unseen, unread } = await notifications.countNotifications(
        { username, ...(filter && { filter: filterMessage(filter) }) },
        callOptions,
      );
      return { total, unseen, unread };
    },
    async markNotificationsRead(username, ids, callOptions) {
      await notifications.markNotificationsRead({ username, ids: [...ids] }, callOptions);
    },
    async markAllNotificationsRead(username, filter, callOptions) {
      await notifications.markNotificationsRead(
        { username, all: true, ...(filter && { filter: filterMessage(filter) }) },
        callOptions,
      );
    },
    async markNotificationsUnread(username, ids, callOptions) {
      await notifications.markNotificationsUnread({ username, ids: [...ids] }, callOptions);
    },
    async archiveNotifications(username, ids, callOptions) {
      await notifications.archiveNotifications({ username, ids: [...ids] }, callOptions);
    },
    async archiveAllNotifications(username, filter, callOptions) {
      await notifications.archiveNotifications(
        { username, all: true, ...(filter && { filter: filterMessage(filter) }) },
        callOptions,
      );
    },
    async unarchiveNotifications(username, ids, callOptions) {
      await notifications.unarchiveNotifications({ username, ids: [...ids] }, callOptions);
    },
    async markNotificationsSeen(username, upTo = "", callOptions) {
      return (await notifications.markNotificationsSeen({ username, upTo }, callOptions)).cursor;
    },
    async putRule(category, rule, callOptions) {
      await rules.putRule({ category, rule }, callOptions);
    },
    async deleteRule(category, callOptions) {
      await rules.deleteRule({ category }, callOptions);
    },
    async listRules(callOptions) {
      const response = await rules.listRules({}, callOptions);
      return response.rules;
    },
    subscribe(username, subscribeOptions) {
      return subscribeWithResume(streams, username, {
        ...subscribeOptions,
        refreshesToken: typeof options.token === "function",
      });
    },
  };
}

const readFilters = { unread: ReadFilter.UNREAD, read: ReadFilter.READ } as const;

/** A filter as the API carries it. */
function filterMessage(filter: InboxFilter): MessageInitShape<typeof NotificationFilterSchema> {
  return {
    categories: [...(filter.categories ?? [])],
    read: filter.read === undefined ? ReadFilter.UNSPECIFIED : readFilters[filter.read],
    archived: filter.archived ?? false,
    properties: { ...filter.properties },
  };
}
