import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DigestWorker } from "../../src/digests/digest-worker.js";
import { sample, scrape } from "../operability/metrics-text.js";
import { restClient } from "../rest/rest-client.js";
import { captureLogs } from "../support/log-capture.js";
import { type ServiceUnderTest, startServiceUnderTest } from "../support/service-under-test.js";
import { type SmtpCatcher, startSmtpCatcher } from "../support/smtp-catcher.js";

const minute = 60_000;

// What the SMTP server's refusals come to, and what the metrics and logs say.
describe("refused digests", () => {
  let smtp: SmtpCatcher;
  let sut: ServiceUnderTest;
  let worker: DigestWorker;
  let clock = Date.parse("2026-05-04T06:00:00Z");
  const { logger, lines } = captureLogs("info");
  const rest = restClient(() => sut.baseUrl);

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    sut = await startServiceUnderTest(
      "embedded",
      {
        email: { smtp_url: smtp.url, unsubscribe_secret: "a refusal test secret, 32 bytes+" },
        digest: { max_attempts: 3, retry_min_ms: minute, retry_max_ms: 2 * minute },
      },
      { now: () => clock, scanDigests: false, logger },
    );
    worker = sut.service.digests as DigestWorker;
  });
  afterAll(async () => {
    await sut?.close();
    await smtp?.close();
  });

  async function subscribe(username: string, time: string) {
    const res = await rest.put(`/v1/users/${username}/preferences`, {
      email: { address: `${username}@example.com`, digest: "daily", time },
    });
    expect(res.status, res.text).toBe(200);
  }

  async function create(username: string, message: string) {
    const res = await rest.post(`/v1/notifications/${username}`, { category: "comment", message });
    expect(res.status).toBe(201);
  }

  /** Scans every minute from `from` for `minutes` minutes. */
  async function scanEachMinute(from: string, minutes: number) {
    for (clock = Date.parse(from); minutes-- > 0; clock += minute) await worker.scan();
  }

  it("a permanent refusal (5xx) is given up at once; its notifications go into the next digest", async () => {
    await subscribe("pam", "08:00");
    await create("pam", "first news");
    smtp.refuseNext(1, 550);
    await scanEachMinute("2026-05-04T08:00:00Z", 10);
    expect(smtp.refused).toEqual(["pam@example.com"]);
    expect(smtp.to("pam@example.com")).toEqual([]);
    const givenUp = lines.find(
      (l) => l.msg === "email digest given up: its notifications go into the next one",
    );
    expect(givenUp).toMatchObject({
      level: 40,
      username: "pam",
      period: "2026-05-04",
      failures: 1,
    });

    await create("pam", "second news");
    await scanEachMinute("2026-05-05T08:00:00Z", 2);
    const [mail, ...more] = smtp.to("pam@example.com");
    expect(more).toEqual([]);
    expect(mail?.parsed.text).toContain("first news");
    expect(mail?.parsed.text).toContain("second news");
  });

  it("transient refusals are retried with backoff, then given up after digest.max_attempts", async () => {
    smtp.refused.length = 0;
    clock = Date.parse("2026-05-05T10:00:00Z");
    await subscribe("tim", "09:00");
    await create("tim", "news for tim");
    const refusedAt: number[] = [];
    smtp.onRefuse = () => refusedAt.push(clock);
    smtp.refuseNext(5, 451);
    await scanEachMinute("2026-05-06T09:00:00Z", 15);
    smtp.onRefuse = undefined;
    // Three attempts: at 09:00, a minute later, then two (the cap) after that.
    expect(refusedAt.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      "09:00",
      "09:01",
      "09:03",
    ]);
    expect(smtp.to("tim@example.com")).toEqual([]);
    smtp.refuseNext(0);
  });

  it("metrics count what became of each digest; the due gauge and the lag are there", async () => {
    const text = await scrape(sut.adminUrl);
    expect(sample(text, "notification_digest_emails_total", { outcome: "sent" })).toBe(1);
    expect(sample(text, "notification_digest_emails_total", { outcome: "given_up" })).toBe(2);
    expect(sample(text, "notification_digest_emails_total", { outcome: "failed" })).toBe(2);
    expect(sample(text, "notification_digest_due_users")).toBe(0);
    expect(sample(text, "notification_digest_lag_seconds_count")).toBe(1);
    const sent = lines.find((l) => l.msg === "email digest sent");
    expect(sent).toMatchObject({ level: 30, username: "pam", notifications: 2 });
    // Addresses stay out of the logs.
    expect(JSON.stringify(lines)).not.toContain("@example.com");
  });
});
