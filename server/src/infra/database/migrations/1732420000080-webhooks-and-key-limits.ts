import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Partners (issue 16): webhooks with an outbox of deliveries, and API keys limited in time,
 * network and portfolios. A delivery row is written in the transaction of the change it
 * reports (the sequencer's journal for orders, fills and cash), so no event is lost or
 * invented by a crash between the change and its notice.
 */
export class WebhooksAndKeyLimits1732420000080 implements MigrationInterface {
  name = "WebhooksAndKeyLimits1732420000080";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id                uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id           uuid         NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        url               varchar(2048) NOT NULL,
        events            text[]       NOT NULL,
        secret_encrypted  text         NOT NULL,
        created_at        timestamptz  NOT NULL DEFAULT now(),
        last_delivery_at  timestamptz,
        last_status       integer
      )`);
    await q.query(`CREATE INDEX webhooks_user_idx ON webhooks (user_id)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id       uuid         NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event            text         NOT NULL,
        payload          jsonb        NOT NULL,
        created_at       timestamptz  NOT NULL DEFAULT now(),
        attempts         integer      NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
        delivered_at     timestamptz,
        failed_at        timestamptz,
        last_status      integer,
        last_error       varchar(200)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL`);
    await q.query(`CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at)`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz, ADD COLUMN allowed_ips text[] NOT NULL DEFAULT '{}', ADD COLUMN portfolio_ids uuid[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN expires_at, DROP COLUMN allowed_ips, DROP COLUMN portfolio_ids`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhooks`);
  }
}
