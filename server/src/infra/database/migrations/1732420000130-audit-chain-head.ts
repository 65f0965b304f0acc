import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The audit chain's head in one round trip: the append lock, then the newest row. A VOLATILE
 * function reads with a snapshot taken after the lock is granted, so an appender that waited
 * for the lock sees the rows of the one before it. (The same two reads as one plain statement
 * would not: its snapshot is taken before the wait.) Each sequencer batch saves a round trip.
 */
export class AuditChainHead1732420000130 implements MigrationInterface {
  name = "AuditChainHead1732420000130";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_chain_head(lock_key bigint) RETURNS TABLE (seq bigint, hash text) LANGUAGE sql VOLATILE AS $$
        SELECT pg_advisory_xact_lock(lock_key);
        SELECT a.seq, a.hash::text FROM audit_logs a ORDER BY a.seq DESC LIMIT 1;
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_chain_head(bigint)`);
  }
}
