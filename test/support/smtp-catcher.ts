import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** A message the catcher's SMTP server accepted, as received and as parsed back. */
export interface CaughtMail {
  /** The envelope's recipients (RCPT TO). */
  readonly to: readonly string[];
  readonly raw: string;
  readonly parsed: ParsedMail;
}

/** A real SMTP server on a free loopback port that keeps what it accepts. */
export interface SmtpCatcher {
  /** `smtp://127.0.0.1:<port>` (`smtps://` for a TLS server). */
  readonly url: string;
  /** Every message accepted, in order. */
  readonly accepted: CaughtMail[];
  /** Messages refused, by recipient. */
  readonly refused: string[];
  /** Answers the data of the next `count` messages with `code` (default 451, a transient refusal). */
  refuseNext(count: number, code?: number): void;
  /**
   * Called with each message just before the server answers 250 for it:
   * what a sender does next happens after the server accepted.
   */
  onAccept: ((mail: CaughtMail) => void) | undefined;
  /** Called with the recipients of each message refused, as the server refuses it. */
  onRefuse: ((to: readonly string[]) => void) | undefined;
  /** Accepted messages sent to `address`. */
  to(address: string): CaughtMail[];
  close(): Promise<void>;
}

/**
 * Starts an SMTP server (smtp-server) on loopback, on `port` (default: a free
 * one). Plain SMTP without STARTTLS and without authentication unless
 * `options` say otherwise.
 */
export async function startSmtpCatcher(
  options: SMTPServerOptions = {},
  port = 0,
): Promise<SmtpCatcher> {
  let refusals: { count: number; code: number } = { count: 0, code: 451 };
  const catcher: SmtpCatcher = {
    url: "",
    accepted: [],
    refused: [],
    onAccept: undefined,
    onRefuse: undefined,
    refuseNext(count, code = 451) {
      refusals = { count, code };
    },
    to: (address) => catcher.accepted.filter((mail) => mail.to.includes(address)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    ...options,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const to = session.envelope.rcptTo.map((r) => r.address);
        if (refusals.count > 0) {
          refusals.count--;
          catcher.refused.push(...to);
          catcher.onRefuse?.(to);
          const error = Object.assign(new Error("try again later"), {
            responseCode: refusals.code,
          });
          callback(error);
          return;
        }
        simpleParser(raw).then(
          (parsed) => {
            const mail = { to, raw, parsed };
            catcher.accepted.push(mail);
            catcher.onAccept?.(mail);
            callback(null, "queued");
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  const scheme = options.secure ? "smtps" : "smtp";
  return Object.assign(catcher, { url: `${scheme}://127.0.0.1:${address.port}` });
}
