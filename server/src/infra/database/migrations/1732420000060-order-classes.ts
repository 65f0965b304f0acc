import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Order classes (issue 15): OCO, OTO and BRACKET families. A leg names its parent; an OTO or
 * BRACKET parent keeps the prices of the legs it places when it fills, so a restart rebuilds
 * every family from these rows alone.
 */
export class OrderClasses1732420000060 implements MigrationInterface {
  name = "OrderClasses1732420000060";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE orders
        ADD COLUMN order_class varchar(7) NOT NULL DEFAULT 'SIMPLE' CHECK (order_class IN ('SIMPLE', 'OCO', 'OTO', 'BRACKET')),
        ADD COLUMN parent_order_id uuid REFERENCES orders(id) DEFERRABLE INITIALLY DEFERRED,
        ADD COLUMN take_profit_price numeric(30,10),
        ADD COLUMN stop_loss_price numeric(30,10),
        ADD COLUMN stop_loss_limit_price numeric(30,10),
        ADD COLUMN stop_loss_protection numeric(30,10)`);
    await q.query(`CREATE INDEX orders_parent ON orders (parent_order_id) WHERE parent_order_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_parent`);
    await q.query(`ALTER TABLE orders DROP COLUMN stop_loss_protection, DROP COLUMN stop_loss_limit_price, DROP COLUMN stop_loss_price, DROP COLUMN take_profit_price, DROP COLUMN parent_order_id, DROP COLUMN order_class`);
  }
}
