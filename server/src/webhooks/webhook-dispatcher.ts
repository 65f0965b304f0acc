import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { FieldCipher } from "../infra/crypto/field-cipher";
import type { Logger } from "../infra/logger";
import { checkDestination, DestinationRefused, postTo } from "./destination";
import { signatureHeader } from "./signature";
import { secretContext } from "./webhook-secret";

const BATCH = 20;
/** Settled deliveries (sent or abandoned) are kept this long for support questions, then removed. */
const KEEP_SETTLED_DAYS = 7;
const SWEEP_EVERY_MS = 3_600_000;
const RETRY_FOR_MS = 24 * 3_600_000;
const LONGEST_WAIT_MS = 3_600_000;

interface Claimed {
  id: string;
  webhook_id: string;
  event: string;
  payload: object;
  created_at: Date;
  attempts: number;
  url: string;
  secret_encrypted: string;
}

/** The wait before attempt `attempts + 1`: base, 2x base, 4x base ..., at most an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(LONGEST_WAIT_MS, baseMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
}

/**
 * Delivers the outbox. Any number of processes may run one: a delivery is claimed with
 * `FOR UPDATE SKIP LOCKED` and leased (its next attempt moved past the request's timeout) in
 * one statement, so two processes never send it at once. A delivery is at least once: a crash
 * after the POST and before its record sends it again, with the same BlockGuardian-Delivery id
 * for the receiver to recognise.
 */
export class WebhookDispatcher {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastSweep = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
    private readonly options: Config["webhooks"],
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.drain()
        .catch((err: Error) => this.log.error({ err }, "webhook delivery round failed"))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  /** Sends what is due, batch after batch, until a batch comes back short. */
  async drain(): Promise<void> {
    while (!this.stopped && (await this.runOnce()) === BATCH);
    if (Date.now() - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = Date.now();
      await this.dataSource.query(
        `DELETE FROM webhook_deliveries WHERE delivered_at < now() - make_interval(days => $1) OR failed_at < now() - make_interval(days => $1)`,
        [KEEP_SETTLED_DAYS],
      );
    }
  }

  /** Claims and attempts one batch of due deliveries; answers how many it claimed. */
  async runOnce(): Promise<number> {
    const leaseSeconds = Math.ceil(this.options.timeoutMs / 1000) + 30;
    const [claimed]: [Claimed[], number] = await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
          WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d
          SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
         FROM due, webhooks w
        WHERE d.id = due.id AND w.id = d.webhook_id
       RETURNING d.id, d.webhook_id, d.event, d.payload, d.created_at, d.attempts, w.url, w.secret_encrypted`,
      [BATCH, leaseSeconds],
    );
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length;
  }

  private async attempt(delivery: Claimed): Promise<void> {
    let status: number | null = null;
    let problem: string | null = null;
    try {
      const secret = this.cipher.decrypt(delivery.secret_encrypted, secretContext(delivery.webhook_id));
      // The body is rebuilt the same way at every attempt, so retries carry the same bytes.
      const body = JSON.stringify({ id: delivery.id, type: delivery.event, createdAt: new Date(delivery.created_at).toISOString(), data: delivery.payload });
      // Judged again now: the host may resolve elsewhere than when the webhook was created.
      const destination = await checkDestination(delivery.url, this.options.allowPrivate);
      const headers = {
        "BlockGuardian-Signature": signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
        "BlockGuardian-Delivery": delivery.id,
        "BlockGuardian-Event": delivery.event,
      };
      status = (await postTo(destination, headers, body, this.options.timeoutMs)).status;
      if (status < 200 || status > 299) problem = status >= 300 && status < 400 ? `redirect (${status}) not followed` : `answered ${status}`;
    } catch (error) {
      problem = error instanceof DestinationRefused ? `destination refused: ${error.message}` : `not delivered: ${(error as Error).message}`;
    }
    await this.record(delivery, status, problem);
  }

  private async record(delivery: Claimed, status: number | null, problem: string | null): Promise<void> {
    if (problem === null) {
      await this.dataSource.query(`UPDATE webhook_deliveries SET delivered_at = now(), last_status = $2, last_error = NULL WHERE id = $1`, [delivery.id, status]);
    } else {
      const wait = retryDelayMs(delivery.attempts, this.options.retryBaseMs);
      const givesUp = Date.now() + wait > new Date(delivery.created_at).getTime() + RETRY_FOR_MS;
      await this.dataSource.query(
        `UPDATE webhook_deliveries
            SET last_status = $2, last_error = $3,
                next_attempt_at = now() + make_interval(secs => $4), failed_at = CASE WHEN $5 THEN now() END
          WHERE id = $1`,
        [delivery.id, status, problem.slice(0, 200), wait / 1000, givesUp],
      );
      this.log.info({ webhookId: delivery.webhook_id, deliveryId: delivery.id, attempts: delivery.attempts, status, givesUp }, "webhook delivery failed");
    }
    await this.dataSource.query(`UPDATE webhooks SET last_delivery_at = now(), last_status = $2 WHERE id = $1`, [delivery.webhook_id, status]);
  }
}
