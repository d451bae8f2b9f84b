// A local SMTP catcher in the foreground, for trying email digests without a
// mail server: `npm run smtp:dev`, then start the service with the SMTP_URL
// printed here. Every message it accepts is printed (headers and the text
// part) and written whole to SMTP_DEV_DIR (default ./data/mail) as .eml,
// which any mail client opens. Ctrl-C stops it.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startSmtpCatcher } from "../test/support/smtp-catcher.js";

/** SMTP_DEV_PORT overrides the port, 2525 by default. */
function portFrom(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 2525;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`SMTP_DEV_PORT must be a port from 1 to 65535, got "${value}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const dir = process.env.SMTP_DEV_DIR ?? join("data", "mail");
  await mkdir(dir, { recursive: true });
  const catcher = await startSmtpCatcher({}, portFrom(process.env.SMTP_DEV_PORT));
  catcher.onAccept = (mail) => {
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.eml`);
    void writeFile(file, mail.raw);
    const { parsed } = mail;
    console.log(`--- to ${mail.to.join(", ")}: ${parsed.subject ?? ""} (${file})`);
    for (const { key, line } of parsed.headerLines) {
      if (key.startsWith("list-") || key === "message-id") console.log(line);
    }
    console.log(parsed.text ?? "");
  };
  console.log(`SMTP catcher listening; messages are kept in ${dir}`);
  console.log(`SMTP_URL=${catcher.url}`);
  console.log("Ctrl-C to stop.");
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal}: stopping`);
    void catcher.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
