import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DigestWorker } from "../../src/digests/digest-worker.js";
import { restClient } from "../rest/rest-client.js";
import {
  type ServiceUnderTest,
  startServiceUnderTest,
  storeKinds,
} from "../support/service-under-test.js";
import { type CaughtMail, type SmtpCatcher, startSmtpCatcher } from "../support/smtp-catcher.js";

const minute = 60_000;
const publicBase = "https://notify.example.com/api";

/** The value of a header as the message carried it (unfolded). */
function header(mail: CaughtMail, name: string): string | undefined {
  const line = mail.parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(line.indexOf(":") + 1)
    .replace(/\r?\n\s+/g, " ")
    .trim();
}

// Contract §10's digest, end to end: a real service over each store, a real
// SMTP server, each message parsed back; a clock the test moves, and scans
// the test starts.
describe.each(storeKinds)("email digests (%s store)", (kind) => {
  let smtp: SmtpCatcher;
  let sut: ServiceUnderTest;
  let worker: DigestWorker;
  // Monday 2 March 2026, 07:00 in Berlin (CET, UTC+1).
  let clock = Date.parse("2026-03-02T06:00:00Z");
  const rest = restClient(() => sut.baseUrl);

  beforeAll(async () => {
    smtp = await startSmtpCatcher();
    sut = await startServiceUnderTest(
      kind,
      {
        email: {
          smtp_url: smtp.url,
          from: "Inbox <digests@example.com>",
          link_base_url: publicBase,
          unsubscribe_secret: "an e2e test secret of at least 32 bytes",
        },
        preferences: { critical_categories: ["security"] },
      },
      { now: () => clock, scanDigests: false },
    );
    worker = sut.service.digests as DigestWorker;
  });
  afterAll(async () => {
    await sut?.close();
    await smtp?.close();
  });

  async function create(username: string, category: string, message: string) {
    clock += minute;
    const res = await rest.post(`/v1/notifications/${username}`, { category, message });
    expect([200, 201]).toContain(res.status);
  }

  /** Moves the clock to `iso` and runs one scan; the messages it sent to `address`. */
  async function scanAt(iso: string, address: string): Promise<CaughtMail[]> {
    const before = smtp.to(address).length;
    clock = Date.parse(iso);
    await worker.scan();
    return smtp.to(address).slice(before);
  }

  it("a due digest: unread news since the last, rolled up, HTML and text, RFC 8058 headers", async () => {
    await rest.put("/v1/users/ann/preferences", {
      email: {
        address: "ann@example.com",
        digest: "daily",
        time: "09:00",
        time_zone: "Europe/Berlin",
      },
      categories: { promo: { email: false }, chatter: { in_app: false } },
    });
    await rest.put("/v1/rules/new-follower", { max_size: 9 });
    for (const who of ["Bob", "Cat", "Dee"])
      await create("ann", "new-follower", `${who} followed you`);
    await create("ann", "comment", "Eve wrote: <b>nice</b> & more");
    await create("ann", "promo", "A sale");
    await create("ann", "chatter", "Muted");
    await create("ann", "security", "New sign-in");
    expect(await scanAt("2026-03-02T07:59:00Z", "ann@example.com")).toEqual([]);

    const [mail, ...more] = await scanAt("2026-03-02T08:00:30Z", "ann@example.com");
    expect(more).toEqual([]);
    if (!mail) throw new Error("no digest was sent");
    const { parsed } = mail;
    expect(parsed.subject).toBe("5 new notifications for ann");
    expect(parsed.from?.text).toBe('"Inbox" <digests@example.com>');
    expect(mail.to).toEqual(["ann@example.com"]);

    // Text: the rollup's head (the newest) with how many it holds; no promo
    // (email off) and no chatter (muted, so never stored); the critical one.
    const text = parsed.text ?? "";
    expect(text).toContain("Dee followed you (and 2 more like it)");
    expect(text).not.toContain("Bob followed you");
    expect(text).toContain("Eve wrote: <b>nice</b> & more");
    expect(text).toContain("New sign-in");
    expect(text).not.toContain("A sale");
    expect(text).not.toContain("Muted");
    expect(text).toContain(`Open your inbox: ${publicBase}/inbox/`);
    // Times are the user's: the comment was created at 06:04 UTC, 07:04 in Berlin.
    expect(text).toContain("comment, 2 Mar, 07:04");

    // HTML: the same items, every value escaped.
    const html = typeof parsed.html === "string" ? parsed.html : "";
    expect(html).toContain("Dee followed you");
    expect(html).toContain("and 2 more like it");
    expect(html).toContain("Eve wrote: &#60;b&#62;nice&#60;/b&#62; &#38; more");
    expect(html).not.toContain("<b>nice</b>");

    // RFC 8058 one-click unsubscribe, a Message-ID of the From's domain, no auto-replies.
    const unsubscribe = header(mail, "List-Unsubscribe");
    expect(unsubscribe).toMatch(
      /^<https:\/\/notify\.example\.com\/api\/v1\/unsubscribe\?token=[\w.-]+>$/,
    );
    expect(header(mail, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(parsed.messageId).toMatch(/^<digest\.[0-9A-Za-z]{27}@example\.com>$/);
    expect(header(mail, "Auto-Submitted")).toBe("auto-generated");
  });

  it("the same period is not sent again, whatever the scans", async () => {
    expect(await scanAt("2026-03-02T08:00:30Z", "ann@example.com")).toEqual([]);
    expect(await scanAt("2026-03-02T20:00:00Z", "ann@example.com")).toEqual([]);
  });

  it("nothing new, no email; the next digest carries only what is new", async () => {
    expect(await scanAt("2026-03-03T08:01:00Z", "ann@example.com")).toEqual([]);
    clock = Date.parse("2026-03-03T12:00:00Z");
    await create("ann", "comment", "Fred replied");
    const [mail, ...more] = await scanAt("2026-03-04T08:00:10Z", "ann@example.com");
    expect(more).toEqual([]);
    expect(mail?.parsed.subject).toBe("1 new notification for ann");
    expect(mail?.parsed.text).toContain("Fred replied");
    expect(mail?.parsed.text).not.toContain("Dee followed you");
  });

  it("the unsubscribe link, POSTed as a mail client does, turns the digests off", async () => {
    clock = Date.parse("2026-03-04T12:00:00Z");
    await create("ann", "comment", "Gil replied");
    const [mail] = await scanAt("2026-03-05T08:00:10Z", "ann@example.com");
    const link = new URL(
      /^<(.*)>$/.exec(header(mail as CaughtMail, "List-Unsubscribe") ?? "")?.[1] ?? "",
    );
    // The link names the public base; the test service answers its path below /api.
    const path = link.pathname.replace(/^\/api/, "") + link.search;
    const res = await rest.send("POST", path, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status, res.text).toBe(204);
    const { preferences } = (await rest.get("/v1/users/ann/preferences")).body;
    expect(preferences.email.digest).toBe("off");
    await create("ann", "comment", "Hal replied");
    expect(await scanAt("2026-03-06T08:00:10Z", "ann@example.com")).toEqual([]);
  });

  it("a weekly digest goes out on its weekday, in its zone", async () => {
    clock = Date.parse("2026-03-05T00:00:00Z");
    await rest.put("/v1/users/joe/preferences", {
      email: {
        address: "joe@example.com",
        digest: "weekly",
        weekday: "friday",
        time: "17:30",
        time_zone: "America/Los_Angeles",
      },
    });
    await create("joe", "comment", "Kim replied");
    // Friday 6 March, 17:30 in Los Angeles (PST, -8) is 01:30 UTC on Saturday.
    expect(await scanAt("2026-03-07T01:29:00Z", "joe@example.com")).toEqual([]);
    const sent = await scanAt("2026-03-07T01:30:00Z", "joe@example.com");
    expect(sent.map((m) => m.parsed.text?.includes("Kim replied"))).toEqual([true]);
    expect(await scanAt("2026-03-08T01:30:00Z", "joe@example.com")).toEqual([]);
    await create("joe", "comment", "Lu replied");
    // A week on, across the change to PDT (-7): 00:30 UTC.
    const next = await scanAt("2026-03-14T00:30:00Z", "joe@example.com");
    expect(next.map((m) => m.parsed.text?.includes("Lu replied"))).toEqual([true]);
    expect(next[0]?.parsed.text).not.toContain("Kim replied");
  });

  it("notifications read or archived (by id, or by a mark for all) stay out of the digest", async () => {
    clock = Date.parse("2026-03-15T00:00:00Z");
    await rest.put("/v1/users/max/preferences", {
      email: { address: "max@example.com", digest: "daily", time: "06:00" },
    });
    const ids: string[] = [];
    for (const message of ["read by id", "archived", "read with the others", "still open"]) {
      clock += minute;
      const res = await rest.post("/v1/notifications/max", {
        category: message === "read with the others" ? "promo" : "comment",
        message,
      });
      ids.push(res.body.id);
    }
    const path = "/v1/notifications/max";
    expect((await rest.post(`${path}/read`, { ids: [ids[0]] })).status).toBe(204);
    expect((await rest.post(`${path}/archive`, { ids: [ids[1]] })).status).toBe(204);
    const all = await rest.post(`${path}/read`, { all: true, filter: { categories: ["promo"] } });
    expect(all.status).toBe(204);
    const [mail, ...more] = await scanAt("2026-03-15T06:00:10Z", "max@example.com");
    expect(more).toEqual([]);
    expect(mail?.parsed.subject).toBe("1 new notification for max");
    expect(mail?.parsed.text).toContain("still open");
    for (const gone of ["read by id", "archived", "read with the others"]) {
      expect(mail?.parsed.text).not.toContain(gone);
    }
  });
});
