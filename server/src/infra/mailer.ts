import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type { Logger } from "./logger";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Sends the platform's few messages (password resets). */
export interface Mailer {
  readonly kind: "smtp" | "outbox";
  send(mail: Mail): Promise<void>;
}

/**
 * SMTP (nodemailer) when `smtpUrl` is set; otherwise each message is written to
 * `<dataDir>/outbox/` as an .eml file (owner-only) and the log says where, never what: a laptop
 * or a test reads its reset link there, and no message leaves the machine.
 */
export function createMailer(options: { smtpUrl?: string; from: string; dataDir: string }, log: Logger): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      kind: "smtp",
      async send(mail) {
        await transport.sendMail({ from: options.from, to: mail.to, subject: mail.subject, text: mail.text });
      },
    };
  }
  const outbox = path.join(options.dataDir, "outbox");
  return {
    kind: "outbox",
    async send(mail) {
      await fs.mkdir(outbox, { recursive: true, mode: 0o700 });
      const file = path.join(outbox, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID()}.eml`);
      const headers = [`From: ${options.from}`, `To: ${mail.to}`, `Subject: ${mail.subject}`, `Date: ${new Date().toUTCString()}`, "Content-Type: text/plain; charset=utf-8"];
      await fs.writeFile(file, `${headers.join("\r\n")}\r\n\r\n${mail.text}\r\n`, { mode: 0o600 });
      log.info({ file }, "mail written to the outbox (SMTP_URL is not set)");
    },
  };
}
