import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The behaviour analytics (issue 13) and the AML sweep read every customer's transactions of a
 * recent window at once: an index by time keeps that a range scan as the ledger grows.
 */
export class TransactionsByTime1732420000090 implements MigrationInterface {
  name = "TransactionsByTime1732420000090";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX transactions_created_idx ON transactions (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX transactions_created_idx`);
  }
}
