import type { Logger } from "pino";
import type { UnsubscribeTokens } from "../auth/unsubscribe-token.js";
import { rollUpDigest, selectDigestNotifications, windowFrom } from "../domain/digest-content.js";
import {
  type DigestSchedule,
  latestOccurrence,
  type Occurrence,
  periodLengthMs,
  scheduleOf,
} from "../domain/digest-schedule.js";
import {
  claimable,
  type DigestAttempt,
  type DigestState,
  emptyDigestState,
} from "../domain/digest-state.js";
import type { IdGenerator } from "../domain/ids.js";
import {
  defaultPreferences,
  digestsCategory,
  type UserPreferences,
} from "../domain/preferences.js";
import type { Repositories } from "../storage/repositories.js";
import type { ScheduleEntry } from "../storage/schedule-index.js";
import { renderDigest } from "./digest-message.js";
import type { DigestMetrics, DigestOutcome } from "./digest-metrics.js";
import type { DigestTemplates } from "./digest-templates.js";
import { MailSendError, type MailSender } from "./mail-sender.js";
import { readOpenFilter } from "./open-notifications.js";

/** The settings of digest delivery (`email.*`, `digest.*`, `preferences.critical_categories`). */
export interface DigestDeliveryOptions {
  /** The From of every digest. */
  readonly from: string;
  /** The service's public base URL, for the links in digests. */
  readonly linkBaseUrl: string;
  /** How long a claim or a send holds a user's period, in ms. */
  readonly leaseMs: number;
  /** The first retry's wait, in ms; each next one waits twice as long. */
  readonly retryMinMs: number;
  /** The longest wait between attempts, in ms. */
  readonly retryMaxMs: number;
  /** Attempts at one period before it is given up. */
  readonly maxAttempts: number;
  /** Items one digest lists. */
  readonly maxItems: number;
  /** Categories always digested. */
  readonly criticalCategories: ReadonlySet<string>;
}

/** What delivery works with. */
export interface DigestDeliveryDependencies {
  readonly repositories: Repositories;
  readonly newId: IdGenerator;
  /** The clock, in ms. */
  readonly now: () => number;
  /** This instance's name in the leases it holds. */
  readonly holder: string;
  readonly sender: MailSender;
  readonly templates: DigestTemplates;
  readonly tokens: UnsubscribeTokens;
  readonly metrics: DigestMetrics;
  readonly logger: Logger;
}

/**
 * What one schedule entry came to. `pending` is true when the entry still
 * needs a later look (not due yet, held by another instance, or a step
 * failed), so that its hour of the schedule is not passed by.
 */
export interface DeliveryResult {
  readonly outcome: DigestOutcome | "not_due" | "done" | "held";
  readonly pending: boolean;
}

/** Delivers the digest a schedule entry is due for, exactly once across instances. */
export type DeliverDigest = (entry: ScheduleEntry) => Promise<DeliveryResult>;

/**
 * Creates the delivery of one user's digest for the period due (contract
 * §10). Exactly once across instances, through the user's digest state in
 * storage (docs/digests.md has the protocol in full):
 *
 * 1. The period is done (`lastPeriod`), or another instance's lease on it is
 *    live: nothing to do.
 * 2. The next period is put in the schedule first, so that whatever happens
 *    below, the user stays scheduled.
 * 3. Claim the period, then read it back from every replica: only a claim
 *    that reads back alone goes on (claims that met hold for nobody until
 *    their leases end).
 * 4. Read the content; nothing new: the period is done, no email.
 * 5. Record the attempt (`sending`: its Message-ID and notifications), then
 *    hand the message to the SMTP server.
 * 6. Accepted: the period is done and its notifications emailed, in one
 *    write. Refused: the attempt waits for a retry with backoff, moved in the
 *    schedule to that time; refused for good, or too often: given up.
 *
 * An attempt found `sending` after its lease ended belongs to an instance
 * that stopped between handing the message over and step 6: the server may
 * have accepted it, so it is taken as sent and never sent again.
 */
export function createDigestDelivery(
  deps: DigestDeliveryDependencies,
  options: DigestDeliveryOptions,
): DeliverDigest {
  const { repositories, metrics, logger } = deps;
  const { digests, schedule } = repositories;

  return async (entry) => {
    const now = deps.now();
    if (entry.dueAt > now) return { outcome: "not_due", pending: true };
    const { username } = entry;
    const preferences = (await repositories.preferences.read(username)) ?? defaultPreferences;
    const digestSchedule = scheduleOf(preferences.email);
    if (!digestSchedule) {
      await schedule.remove(entry);
      return { outcome: "done", pending: false };
    }
    const due = latestOccurrence(digestSchedule, now);
    const state = (await digests.read(username, { purpose: "update" })) ?? emptyDigestState;
    if (due.period <= state.lastPeriod) {
      await schedule.addNext(username, preferences.email, now);
      await schedule.remove(entry);
      return { outcome: "done", pending: false };
    }
    const attempt = state.attempt;
    if (attempt?.state === "sending" && attempt.expiresAt <= now) {
      return assumeSent(username, attempt);
    }
    const { leaseMs } = options;
    const claimant = { period: due.period, holder: deps.holder, now, leaseMs };
    if (!claimable(attempt, claimant)) return { outcome: "held", pending: true };

    await schedule.addNext(username, preferences.email, due.dueAt);
    const attemptId = deps.newId();
    await digests.change(username, {
      kind: "claim",
      period: due.period,
      dueAt: due.dueAt,
      attemptId,
      holder: deps.holder,
      now,
      leaseMs,
    });
    const claimed = await readOwn(username, attemptId);
    if (claimed?.attempt?.state !== "claimed") return { outcome: "held", pending: true };

    const content = await readContent(username, claimed, preferences, digestSchedule, due);
    if (content.ids.length === 0) {
      await digests.change(username, {
        kind: "skipped",
        period: due.period,
        attemptId,
        from: content.from,
      });
      await schedule.remove(entry);
      metrics.outcome("empty");
      return { outcome: "empty", pending: false };
    }
    const messageId = `<digest.${attemptId}@${domainOf(options.from)}>`;
    const mail = await composeMail(username, preferences, digestSchedule, due, content, messageId);
    await digests.change(username, {
      kind: "sending",
      attemptId,
      messageId,
      ids: content.ids,
      cut: content.cut,
      now: deps.now(),
      leaseMs,
    });
    const sending = (await readOwn(username, attemptId))?.attempt;
    if (sending?.state !== "sending") return { outcome: "held", pending: true };

    try {
      await deps.sender.send(mail);
    } catch (error) {
      return refused(entry, sending, content.from, error);
    }
    await digests.change(username, {
      kind: "sent",
      period: due.period,
      ids: content.ids,
      cut: content.cut,
    });
    await schedule.remove(entry);
    metrics.outcome("sent");
    metrics.lag(Math.max(0, deps.now() - due.dueAt) / 1000);
    logger.info(
      { username, period: due.period, notifications: content.ids.length, messageId },
      "email digest sent",
    );
    return { outcome: "sent", pending: false };
  };

  /** The user's digest state as every replica has it, when its attempt is still this one. */
  async function readOwn(username: string, attemptId: string): Promise<DigestState | undefined> {
    const state = await digests.read(username, { purpose: "complete" });
    return state?.attempt?.attemptId === attemptId ? state : undefined;
  }

  async function assumeSent(username: string, attempt: DigestAttempt): Promise<DeliveryResult> {
    const { period, ids, cut, messageId, holder } = attempt;
    await digests.change(username, { kind: "sent", period, ids, cut });
    metrics.outcome("assumed_sent");
    logger.warn(
      { username, period, messageId, holder },
      "an email digest's sender stopped after handing it to the SMTP server and before recording the answer: taken as sent, not sent again",
    );
    // The entry stays: the next scan finds the period done and schedules the next.
    return { outcome: "assumed_sent", pending: true };
  }

  async function readContent(
    username: string,
    state: DigestState,
    preferences: UserPreferences,
    digestSchedule: DigestSchedule,
    due: Occurrence,
  ) {
    const [list, rules, isOpen] = await Promise.all([
      repositories.inboxes.read(username).then((inbox) => inbox.all()),
      repositories.rules.read(),
      readOpenFilter(repositories, username),
    ]);
    const cut = deps.now();
    const window = {
      windowStart: state.windowStart,
      firstWindowStart: due.dueAt - periodLengthMs(digestSchedule),
    };
    const selected = selectDigestNotifications(list.notifications, {
      ...window,
      emailedIds: new Set(state.emailedIds),
      includesCategory: (category) =>
        digestsCategory(preferences, category, options.criticalCategories),
      isOpen,
    });
    return {
      cut,
      from: windowFrom(window),
      ids: selected.map((n) => n.id),
      items: rollUpDigest(selected, rules),
    };
  }

  async function composeMail(
    username: string,
    preferences: UserPreferences,
    digestSchedule: DigestSchedule,
    due: Occurrence,
    content: Awaited<ReturnType<typeof readContent>>,
    messageId: string,
  ) {
    const { address, timeZone } = preferences.email;
    const token = await deps.tokens.sign({ username, address });
    const unsubscribeUrl = new URL(`v1/unsubscribe?token=${token}`, baseOf(options.linkBaseUrl));
    const rendered = renderDigest(deps.templates, {
      username,
      address,
      frequency: digestSchedule.frequency,
      period: due.period,
      timeZone,
      items: content.items,
      maxItems: options.maxItems,
      inboxUrl: new URL("inbox/", baseOf(options.linkBaseUrl)).toString(),
      unsubscribeUrl: unsubscribeUrl.toString(),
    });
    return {
      from: options.from,
      to: address,
      ...rendered,
      messageId,
      headers: {
        // RFC 8058: a mail client unsubscribes with one POST to this URL.
        "List-Unsubscribe": `<${unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        // RFC 3834: no vacation or out-of-office replies to a digest.
        "Auto-Submitted": "auto-generated",
      },
    };
  }

  async function refused(
    entry: ScheduleEntry,
    attempt: DigestAttempt,
    from: number,
    error: unknown,
  ): Promise<DeliveryResult> {
    const { username } = entry;
    const permanent = error instanceof MailSendError && error.permanent;
    const reason = error instanceof Error ? error.message : String(error);
    // This refusal is one more than the attempt has recorded.
    const failures = attempt.failures + 1;
    if (permanent || failures >= options.maxAttempts) {
      await digests.change(username, {
        kind: "skipped",
        period: attempt.period,
        attemptId: attempt.attemptId,
        from,
      });
      await schedule.remove(entry);
      metrics.outcome("given_up");
      logger.warn(
        { username, period: attempt.period, failures, reason },
        "email digest given up: its notifications go into the next one",
      );
      return { outcome: "given_up", pending: false };
    }
    const wait = Math.min(options.retryMaxMs, options.retryMinMs * 2 ** (failures - 1));
    const nextTryAt = deps.now() + wait;
    await digests.change(username, { kind: "failed", attemptId: attempt.attemptId, nextTryAt });
    // Moved to the retry's hour, so that the hour it was due in can be passed by.
    await schedule.add({ username, dueAt: nextTryAt });
    await schedule.remove(entry);
    metrics.outcome("failed");
    logger.warn(
      { username, period: attempt.period, failures, retryInMs: wait, reason },
      "email digest refused by the SMTP server; retrying later",
    );
    return { outcome: "failed", pending: false };
  }
}

/** The domain of the From address, for Message-IDs. */
function domainOf(from: string): string {
  return /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? "localhost";
}

/** The base URL with a trailing slash, so that relative links resolve under its path. */
function baseOf(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
