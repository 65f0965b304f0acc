import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The journal of order events (issue 16): every update a user's `orderUpdates` stream carries,
 * numbered per user by the sequencer and written in the batch's transaction, so that a client
 * that lost its connection resumes with `afterSequence` and misses nothing. Rows older than the
 * retention are pruned, except each user's last one: it keeps the counter the sequencer
 * recovers at start, so a sequence is never issued twice.
 */
export class OrderEvents1732420000070 implements MigrationInterface {
  name = "OrderEvents1732420000070";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_events (
        user_id uuid NOT NULL,
        sequence bigint NOT NULL CHECK (sequence > 0),
        portfolio_id uuid NOT NULL,
        order_id uuid NOT NULL,
        fill_id uuid,
        payload jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL,
        PRIMARY KEY (user_id, sequence)
      )`);
    await q.query(`CREATE INDEX order_events_created_idx ON order_events (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE order_events`);
  }
}
