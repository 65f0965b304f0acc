import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The tamper-evident audit trail: each row's hash covers the previous row's hash and its own
 * canonical content. The database itself refuses to change or remove rows; only a superuser
 * who disables the triggers can, and the chain verifier then names the first altered row.
 */
export class AuditLog1732420000003 implements MigrationInterface {
  name = "AuditLog1732420000003";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_logs (
        seq          bigint       PRIMARY KEY,
        "timestamp"  timestamptz  NOT NULL,
        event_type   varchar(64)  NOT NULL,
        user_id      uuid,
        entity_type  varchar(64),
        entity_id    varchar(128),
        payload      jsonb        NOT NULL DEFAULT '{}'::jsonb,
        prev_hash    char(64)     NOT NULL,
        hash         char(64)     NOT NULL UNIQUE
      )`);
    await q.query(`CREATE INDEX audit_logs_event_type_idx ON audit_logs (event_type, seq)`);
    await q.query(`CREATE INDEX audit_logs_user_idx ON audit_logs (user_id, seq)`);
    await q.query(`
      CREATE FUNCTION audit_logs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_logs is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_logs_no_update_delete BEFORE UPDATE OR DELETE ON audit_logs
        FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON audit_logs
        FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_logs`);
    await q.query(`DROP FUNCTION audit_logs_append_only()`);
  }
}
