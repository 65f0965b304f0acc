import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Signed checkpoints of the audit chain (audit): (seq, head hash) signed with a key kept outside
 * the database. Append-only like the chain itself.
 */
export class AuditCheckpoints1732420000021 implements MigrationInterface {
  name = "AuditCheckpoints1732420000021";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoints (
        seq bigint PRIMARY KEY,
        head_hash char(64) NOT NULL,
        signed_at timestamptz NOT NULL,
        signature text NOT NULL,
        public_key text NOT NULL,
        anchor text
      )`);
    await q.query(`
      CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_checkpoints`);
  }
}
