import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/config-error.js";
import { parseConfig } from "../../src/config/load-config.js";
import { createSmtpSender, MailSendError } from "../../src/digests/mail-sender.js";
import { startService } from "../../src/service.js";
import {
  configProblems as problems,
  shippedConfig as shipped,
} from "../support/config-problems.js";
import { type ConfigOverrides, mergeConfig } from "../support/service-under-test.js";
import { startSmtpCatcher } from "../support/smtp-catcher.js";

describe("the email, preferences and digest keys of config.yml", () => {
  it("default to no SMTP server (no digests sent), no critical categories", () => {
    const config = parseConfig(shipped, {}, "config.yml");
    expect(config.email).toEqual({
      smtp_url: "",
      from: "Notifications <notifications@localhost>",
      link_base_url: "http://localhost:8080",
      unsubscribe_secret: "",
      template_dir: "",
    });
    expect(config.preferences.critical_categories).toEqual([]);
    expect(config.digest.lease_ms).toBe(300_000);
  });

  it("take their variables, the critical categories comma-separated", () => {
    const config = parseConfig(
      shipped,
      {
        SMTP_URL: "smtps://ann:pw@mail.example:465",
        EMAIL_FROM: "digests@example.com",
        CRITICAL_CATEGORIES: "security, billing",
      },
      "config.yml",
    );
    expect(config.email.smtp_url).toBe("smtps://ann:pw@mail.example:465");
    expect(config.email.from).toBe("digests@example.com");
    expect(config.preferences.critical_categories).toEqual(["security", "billing"]);
  });

  it("refuse bad values, naming the key and the variable, never quoting a URL's password", () => {
    const found = problems({
      SMTP_URL: "http://ann:hunter2@mail.example",
      EMAIL_FROM: "nobody",
      EMAIL_LINK_BASE_URL: "notify.example.com",
    });
    expect(found).toEqual([
      "config.yml: email.smtp_url (from SMTP_URL) must be empty or a URL smtp://[user:password@]host[:port] (or smtps://)",
      'config.yml: email.from (from EMAIL_FROM) must be an email address, local@domain or Name <local@domain> (got "nobody")',
      'config.yml: email.link_base_url (from EMAIL_LINK_BASE_URL) must be an http:// or https:// URL (got "notify.example.com")',
    ]);
    expect(found.join("\n")).not.toContain("hunter2");
    expect(problems({}, "digest:\n  lease_ms: 60000\n")).toEqual([
      'config.yml: digest.lease_ms must be a time in ms from 120000 to 2147483647, in decimal digits (got "60000")',
    ]);
  });
});

describe("start-up with email settings it cannot use", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "digest-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The problems start-up refused with; the store's directory must not have been made. */
  async function refusal(overrides: ConfigOverrides): Promise<readonly string[]> {
    const dataDir = join(dir, "data");
    const config = mergeConfig(overrides, {
      server: { port: 0, admin_port: 0, host: "127.0.0.1" },
      storage: { data_dir: dataDir },
    });
    try {
      const service = await startService(config, { logger: pino({ level: "silent" }) });
      await service.close();
    } catch (error) {
      expect(existsSync(dataDir)).toBe(false);
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error("the service started");
  }

  it("an SMTP server without an unsubscribe secret (digests need signed links)", async () => {
    expect(await refusal({ email: { smtp_url: "smtp://127.0.0.1:2525" } })).toEqual([
      expect.stringMatching(/^email\.unsubscribe_secret is required when email\.smtp_url is set/),
    ]);
  });

  it("an unsubscribe secret shorter than 32 bytes", async () => {
    expect(await refusal({ email: { unsubscribe_secret: "short" } })).toEqual([
      expect.stringMatching(/^email\.unsubscribe_secret must be at least 32 bytes \(got 5\)/),
    ]);
  });

  const email = {
    smtp_url: "smtp://127.0.0.1:2525",
    unsubscribe_secret: "a start-up test secret of 32 bytes",
  };

  it("a template directory that cannot be read", async () => {
    expect(await refusal({ email: { ...email, template_dir: join(dir, "missing") } })).toEqual([
      "email.template_dir: cannot read the directory (ENOENT)",
    ]);
  });

  it("a template that does not compile, naming the file and the line", async () => {
    const templates = join(dir, "templates");
    await rm(templates, { recursive: true, force: true });
    await mkdir(templates);
    await writeFile(join(templates, "digest.html"), "<p>\n{{#items}}\n{{message}}\n</p>\n");
    expect(await refusal({ email: { ...email, template_dir: templates } })).toEqual([
      "email.template_dir: template digest.html, line 2: {{#items}} is never closed",
    ]);
  });
});

describe("the SMTP sender: TLS and authentication as the URL says", () => {
  it("sends over smtps:// with the URL's user and password", async () => {
    const smtp = await startSmtpCatcher({
      secure: true,
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === "ann" && auth.password === "s3cret") callback(null, { user: "ann" });
        else callback(Object.assign(new Error("bad credentials"), { responseCode: 535 }));
      },
    });
    const port = new URL(smtp.url).port;
    const mail = {
      from: "digests@example.com",
      to: "bob@example.com",
      subject: "hello",
      text: "text",
      html: "<p>html</p>",
      messageId: "<m1@example.com>",
      headers: {},
    };
    try {
      // The test server's certificate is self-signed: the URL says not to check it.
      const good = createSmtpSender(
        `smtps://ann:s3cret@127.0.0.1:${port}?tls.rejectUnauthorized=false`,
      );
      await good.send(mail);
      good.close();
      expect(smtp.to("bob@example.com").map((m) => m.parsed.subject)).toEqual(["hello"]);

      const bad = createSmtpSender(
        `smtps://ann:wrong@127.0.0.1:${port}?tls.rejectUnauthorized=false`,
      );
      const error = await bad.send(mail).then(
        () => undefined,
        (e: unknown) => e,
      );
      bad.close();
      expect(error).toBeInstanceOf(MailSendError);
      expect((error as MailSendError).permanent).toBe(true);
      expect((error as Error).message).not.toContain("wrong");

      const unchecked = createSmtpSender(`smtps://ann:s3cret@127.0.0.1:${port}`);
      const untrusted = await unchecked.send(mail).then(
        () => undefined,
        (e: unknown) => e,
      );
      unchecked.close();
      expect(untrusted).toBeInstanceOf(MailSendError);
      expect((untrusted as MailSendError).permanent).toBe(false);
    } finally {
      await smtp.close();
    }
  });
});
