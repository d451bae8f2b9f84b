import {
  type CallOptions,
  Code,
  ConnectError,
  createClient,
  type Transport,
} from "@connectrpc/connect";
import { JobService } from "../gen/notification/v1/job_pb.js";
import {
  type Job,
  JobState,
  NotificationService,
  type RecipientResult,
} from "../gen/notification/v1/notification_pb.js";
import {
  type ListTopicSubscribersResponse,
  TopicService,
} from "../gen/notification/v1/topic_pb.js";

/** What a producer sends: a notification's content, with its key and idempotency key. */
export interface ProducerContent {
  /** 3 to 20 characters. */
  readonly category: string;
  /** 1 to 255 characters. */
  readonly message: string;
  /** At most 32 entries. Default none. */
  readonly properties?: Readonly<Record<string, string>>;
  /**
   * Your name for the notification, shared by every copy (1 to 128 of
   * `A-Z a-z 0-9 . _ - : @ +`), so that you can update, delete or mark read
   * every copy later. Default none.
   */
  readonly key?: string;
  /**
   * Makes a retry safe (1 to 128 visible ASCII characters): within the
   * service's idempotency window (24 hours) the same key for the same user
   * answers the first call's notification and stores nothing. Default none.
   */
  readonly idempotencyKey?: string;
}

/** A change of every copy of the notifications with one key; at least one field is set. */
export interface KeyUpdate {
  /** The new message. Default: unchanged. */
  readonly message?: string;
  /** Properties to set or overwrite. */
  readonly properties?: Readonly<Record<string, string>>;
  /** Property names to remove. */
  readonly removeProperties?: readonly string[];
}

/** How {@link ProducerClient.waitForJob} polls. */
export interface WaitOptions extends CallOptions {
  /** Time between two GetJob calls, in ms. Default 250. */
  readonly intervalMs?: number;
}

/** The producer calls: fan-out, topics, jobs and changes by key (scope `notifications:write`). */
export interface ProducerClient {
  /**
   * Sends one notification to up to 1000 users; resolves with a result per
   * user, in order: `notification` (with `replayed` when an earlier call with
   * the same idempotency key made it), or `error` for that user alone.
   */
  createNotifications(
    usernames: readonly string[],
    content: ProducerContent,
    options?: CallOptions,
  ): Promise<RecipientResult[]>;
  /** Adds up to 1000 users to a topic; resolves with its subscriber count. */
  addTopicSubscribers(
    topic: string,
    usernames: readonly string[],
    options?: CallOptions,
  ): Promise<number>;
  /** Removes up to 1000 users from a topic; resolves with its subscriber count. */
  removeTopicSubscribers(
    topic: string,
    usernames: readonly string[],
    options?: CallOptions,
  ): Promise<number>;
  /** One page of a topic's subscribers (100 by default, at most 1000). */
  listTopicSubscribers(
    topic: string,
    page?: { readonly pageSize?: number; readonly pageToken?: string },
    options?: CallOptions,
  ): Promise<ListTopicSubscribersResponse>;
  /** Every subscriber of a topic, fetched page by page as the loop asks for more. */
  listAllTopicSubscribers(
    topic: string,
    options?: CallOptions & { readonly pageSize?: number },
  ): AsyncGenerator<string, void, undefined>;
  /**
   * Sends a notification to every subscriber of a topic as a durable job;
   * resolves with the job once it is recorded (follow it with `waitForJob`).
   * The same idempotency key answers the same job.
   */
  publishToTopic(topic: string, content: ProducerContent, options?: CallOptions): Promise<Job>;
  /**
   * Delivers a `broadcast` event to the live streams of a topic's
   * subscribers, storing nothing; resolves with how many it reached.
   */
  broadcastToTopic(
    topic: string,
    content: Pick<ProducerContent, "category" | "message" | "properties">,
    options?: CallOptions,
  ): Promise<number>;
  /** A job's state and progress. */
  getJob(jobId: string, options?: CallOptions): Promise<Job>;
  /** Polls a job until it is done; resolves with it. Stops on `signal`. */
  waitForJob(jobId: string, options?: WaitOptions): Promise<Job>;
  /** Changes every copy of the notifications with `key`, in place; resolves with the job. */
  updateNotificationsByKey(key: string, update: KeyUpdate, options?: CallOptions): Promise<Job>;
  /** Deletes every copy of the notifications with `key`; resolves with the job. */
  deleteNotificationsByKey(key: string, options?: CallOptions): Promise<Job>;
  /** Marks every copy of the notifications with `key` read; resolves with the job. */
  markNotificationsReadByKey(key: string, options?: CallOptions): Promise<Job>;
}

/** The producer calls over `transport`. */
export function createProducerClient(transport: Transport): ProducerClient {
  const notifications = createClient(NotificationService, transport);
  const topics = createClient(TopicService, transport);
  const jobs = createClient(JobService, transport);
  const present = (job: Job | undefined, call: string): Job => {
    if (!job) throw new ConnectError(`${call} answered without a job`, Code.Internal);
    return job;
  };
  const client: ProducerClient = {
    async createNotifications(usernames, content, options) {
      const response = await notifications.createNotifications(
        { usernames: [...usernames], ...content, properties: { ...content.properties } },
        options,
      );
      return response.results;
    },
    async addTopicSubscribers(topic, usernames, options) {
      const response = await topics.addTopicSubscribers(
        { topic, usernames: [...usernames] },
        options,
      );
      return Number(response.subscriberCount);
    },
    async removeTopicSubscribers(topic, usernames, options) {
      const response = await topics.removeTopicSubscribers(
        { topic, usernames: [...usernames] },
        options,
      );
      return Number(response.subscriberCount);
    },
    listTopicSubscribers(topic, page = {}, options) {
      return topics.listTopicSubscribers({ topic, ...page }, options);
    },
    async *listAllTopicSubscribers(topic, { pageSize = 0, ...options } = {}) {
      let pageToken = "";
      do {
        const page = await topics.listTopicSubscribers({ topic, pageSize, pageToken }, options);
        yield* page.usernames;
        pageToken = page.nextPageToken;
      } while (pageToken !== "");
    },
    async publishToTopic(topic, content, options) {
      const response = await topics.publishToTopic(
        { topic, ...content, properties: { ...content.properties } },
        options,
      );
      return present(response.job, "PublishToTopic");
    },
    async broadcastToTopic(topic, content, options) {
      const response = await topics.publishToTopic(
        { topic, ...content, properties: { ...content.properties }, ephemeral: true },
        options,
      );
      return Number(response.subscriberCount);
    },
    async getJob(jobId, options) {
      return present((await jobs.getJob({ jobId }, options)).job, "GetJob");
    },
    async waitForJob(jobId, { intervalMs = 250, ...options } = {}) {
      for (;;) {
        const job = await client.getJob(jobId, options);
        if (job.state === JobState.DONE) return job;
        await sleep(intervalMs, options.signal);
      }
    },
    async updateNotificationsByKey(key, update, options) {
      const response = await notifications.updateNotificationsByKey(
        {
          key,
          ...(update.message !== undefined && { message: update.message }),
          properties: { ...update.properties },
          removeProperties: [...(update.removeProperties ?? [])],
        },
        options,
      );
      return present(response.job, "UpdateNotificationsByKey");
    },
    async markNotificationsReadByKey(key, options) {
      return present(
        (await notifications.markNotificationsReadByKey({ key }, options)).job,
        "MarkNotificationsReadByKey",
      );
    },
    async deleteNotificationsByKey(key, options) {
      return present(
        (await notifications.deleteNotificationsByKey({ key }, options)).job,
        "DeleteNotificationsByKey",
      );
    },
  };
  return client;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(ConnectError.from(signal.reason));
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(ConnectError.from(signal.reason));
      },
      { once: true },
    );
  });
}
