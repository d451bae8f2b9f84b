import nodemailer, { type NodemailerError } from "nodemailer";

/** One email to hand to the SMTP server. */
export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The Message-ID header, `<...@...>`. */
  readonly messageId: string;
  /** Further headers, such as List-Unsubscribe. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Why the SMTP server did not take a message, and whether trying again could help. */
export class MailSendError extends Error {
  override readonly name = "MailSendError";
  constructor(
    message: string,
    /** True when the server refused the message for good (a 5xx reply). */
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Hands messages to an SMTP server. */
export interface MailSender {
  /**
   * Resolves once the server accepted the message (the reply to its data),
   * rejects with a MailSendError otherwise.
   */
  send(mail: OutgoingMail): Promise<void>;
  /** Closes the connections. */
  close(): void;
}

// Each wait on the server is bounded well within the least digest.lease_ms
// (two minutes): connecting, its greeting, and any silence after.
const smtpTimeouts = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 30_000 };

/**
 * Sends through the SMTP server at `url` with nodemailer: `smtp://` (STARTTLS
 * when offered) or `smtps://` (TLS from the start), authenticating with the
 * URL's user and password, with nodemailer's options from its query (the
 * URL's settings win over the timeouts set here).
 */
export function createSmtpSender(url: string): MailSender {
  const transport = nodemailer.createTransport({ ...smtpTimeouts, url });
  return {
    async send(mail) {
      try {
        await transport.sendMail({ ...mail, headers: { ...mail.headers } });
      } catch (error) {
        const failure = error as NodemailerError;
        // What the server said, or the kind of failure: never the URL, which may hold a password.
        const said = failure.response ?? failure.code ?? "no reply";
        throw new MailSendError(
          `the SMTP server did not accept the digest: ${said}`,
          failure.permanent === true,
          {
            cause: error,
          },
        );
      }
    },
    close: () => transport.close(),
  };
}
