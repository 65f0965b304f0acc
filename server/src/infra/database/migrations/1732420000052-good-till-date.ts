import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Good-till-date orders (issue 15): `expires_at` is set exactly for GTD orders. Expiry is a
 * sequencer command with the time, sent by a timer armed at the earliest open GTD order.
 */
export class GoodTillDate1732420000052 implements MigrationInterface {
  name = "GoodTillDate1732420000052";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_time_in_force_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_time_in_force_check CHECK (time_in_force IN ('GTC', 'IOC', 'FOK', 'DAY', 'GTD'))`);
    await q.query(`ALTER TABLE orders ADD COLUMN expires_at timestamptz(3)`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_expires_at CHECK ((time_in_force = 'GTD') = (expires_at IS NOT NULL))`);
    await q.query(`CREATE INDEX orders_gtd_idx ON orders (expires_at) WHERE time_in_force = 'GTD' AND status IN ('PENDING_TRIGGER', 'NEW', 'PARTIALLY_FILLED')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_gtd_idx`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_expires_at, DROP COLUMN expires_at`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_time_in_force_check`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_time_in_force_check CHECK (time_in_force IN ('GTC', 'IOC', 'FOK', 'DAY'))`);
  }
}
