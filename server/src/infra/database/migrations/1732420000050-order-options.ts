import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Post-only and iceberg orders (issue 15). What an iceberg shows after a restart is not
 * stored: it is its display quantity less its maker fills since it last queued (queued_seq),
 * capped by what remains, which the fills table already holds.
 */
export class OrderOptions1732420000050 implements MigrationInterface {
  name = "OrderOptions1732420000050";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN post_only boolean NOT NULL DEFAULT false, ADD COLUMN display_quantity numeric`);
    await q.query(`ALTER TABLE orders ADD CONSTRAINT orders_display_quantity_positive CHECK (display_quantity IS NULL OR display_quantity > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_display_quantity_positive, DROP COLUMN display_quantity, DROP COLUMN post_only`);
  }
}
