import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Trailing stops (issue 15). The trail is stored as the trader gave it (an amount or a
 * percent). The mark the stop follows is not rewritten on every trade: `trail_mark` is the mark
 * when the order took its place (accepted, or amended), and recovery takes the highest (sell)
 * or lowest (buy) of it and every trade since `queued_seq`.
 */
export class TrailingStops1732420000051 implements MigrationInterface {
  name = "TrailingStops1732420000051";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_order_type_check`);
    await q.query(`ALTER TABLE orders ALTER COLUMN order_type TYPE varchar(13)`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_order_type_check CHECK (order_type IN ('MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT', 'TRAILING_STOP'))`);
    await q.query(`ALTER TABLE orders ADD COLUMN trail_amount numeric(30,10), ADD COLUMN trail_percent numeric(30,10), ADD COLUMN trail_mark numeric(30,10)`);
    await q.query(`
      ALTER TABLE orders ADD CONSTRAINT orders_trail CHECK (
        (order_type = 'TRAILING_STOP') = ((trail_amount IS NULL) <> (trail_percent IS NULL))
        AND (trail_amount IS NULL OR trail_amount > 0)
        AND (trail_percent IS NULL OR (trail_percent > 0 AND trail_percent < 100)))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_trail, DROP COLUMN trail_mark, DROP COLUMN trail_percent, DROP COLUMN trail_amount`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_order_type_check`);
    await q.query(`ALTER TABLE orders ALTER COLUMN order_type TYPE varchar(10)`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_order_type_check CHECK (order_type IN ('MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT'))`);
  }
}
