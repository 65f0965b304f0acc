import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Suspicious activities become cases an officer works: the alerts that opened or joined a case
 * (with the dedup key that used to sit on the activity), notes, assignee, resolution and SAR
 * narrative. A SAR number is issued when a SAR is filed, not on detection: the numbers issued at
 * detection are dropped from existing activities, which reopen as OPEN cases; the audit chain's
 * `compliance.suspicious_activity` events keep the numbers that were issued.
 */
export class ComplianceCases1732420000030 implements MigrationInterface {
  name = "ComplianceCases1732420000030";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE suspicious_activities
        ADD COLUMN assignee_id    uuid REFERENCES users(id),
        ADD COLUMN resolution     text,
        ADD COLUMN sar_narrative  text,
        ADD COLUMN sar_filed_at   timestamptz(3),
        ADD COLUMN closed_at      timestamptz(3),
        ADD COLUMN last_alert_at  timestamptz(3),
        ADD COLUMN updated_at     timestamptz(3) NOT NULL DEFAULT now()`);
    await q.query(`
      CREATE TABLE case_alerts (
        id               uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id          uuid           NOT NULL REFERENCES suspicious_activities(id),
        rule             varchar(40)    NOT NULL,
        risk_score       integer        NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
        description      text           NOT NULL,
        transaction_ids  text[]         NOT NULL DEFAULT '{}',
        -- One alert per rule, person and period (or per list entry): re-evaluation does not repeat it.
        dedup_key        varchar(200)   NOT NULL UNIQUE,
        created_at       timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_alerts_case_idx ON case_alerts (case_id, created_at)`);
    await q.query(`
      INSERT INTO case_alerts (case_id, rule, risk_score, description, transaction_ids, dedup_key, created_at)
      SELECT id, rule, risk_score, description, transaction_ids, dedup_key, created_at FROM suspicious_activities`);
    await q.query(`UPDATE suspicious_activities SET sar_number = NULL, status = 'OPEN', last_alert_at = created_at, updated_at = created_at`);
    await q.query(`ALTER TABLE suspicious_activities DROP COLUMN dedup_key`);
    await q.query(`ALTER TABLE suspicious_activities ALTER COLUMN last_alert_at SET NOT NULL, ALTER COLUMN last_alert_at SET DEFAULT now()`);
    await q.query(`
      ALTER TABLE suspicious_activities ADD CONSTRAINT suspicious_activities_status_check
        CHECK (status IN ('OPEN', 'UNDER_REVIEW', 'ESCALATED', 'CLOSED_NO_ACTION', 'SAR_FILED'))`);
    await q.query(`
      ALTER TABLE suspicious_activities ADD CONSTRAINT suspicious_activities_sar_check
        CHECK ((status = 'SAR_FILED') = (sar_number IS NOT NULL AND sar_narrative IS NOT NULL AND sar_filed_at IS NOT NULL))`);
    await q.query(`CREATE INDEX suspicious_activities_grouping_idx ON suspicious_activities (user_id, rule, last_alert_at DESC)`);
    await q.query(`CREATE INDEX suspicious_activities_status_idx ON suspicious_activities (status, created_at DESC)`);
    await q.query(`CREATE INDEX suspicious_activities_sar_idx ON suspicious_activities (sar_filed_at) WHERE sar_filed_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE case_notes (
        id          uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id     uuid           NOT NULL REFERENCES suspicious_activities(id),
        author_id   uuid           NOT NULL REFERENCES users(id),
        text        text           NOT NULL,
        created_at  timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_notes_case_idx ON case_notes (case_id, created_at)`);
    // Filings of internal accounts (the market maker's funding) were noise, never reportable.
    await q.query(`DELETE FROM ctr_filings c USING users u WHERE u.id = c.user_id AND u.email LIKE '%@system.blockguardian.local'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_notes`);
    await q.query(`ALTER TABLE suspicious_activities DROP CONSTRAINT suspicious_activities_sar_check, DROP CONSTRAINT suspicious_activities_status_check`);
    await q.query(`ALTER TABLE suspicious_activities ADD COLUMN dedup_key varchar(200)`);
    await q.query(`UPDATE suspicious_activities s SET dedup_key = (SELECT min(a.dedup_key) FROM case_alerts a WHERE a.case_id = s.id)`);
    await q.query(`UPDATE suspicious_activities SET dedup_key = 'case:' || id WHERE dedup_key IS NULL`);
    await q.query(`ALTER TABLE suspicious_activities ALTER COLUMN dedup_key SET NOT NULL, ADD CONSTRAINT suspicious_activities_dedup_key_key UNIQUE (dedup_key)`);
    await q.query(`DROP TABLE case_alerts`);
    await q.query(`DROP INDEX suspicious_activities_grouping_idx, suspicious_activities_status_idx, suspicious_activities_sar_idx`);
    await q.query(`
      ALTER TABLE suspicious_activities DROP COLUMN assignee_id, DROP COLUMN resolution, DROP COLUMN sar_narrative,
        DROP COLUMN sar_filed_at, DROP COLUMN closed_at, DROP COLUMN last_alert_at, DROP COLUMN updated_at`);
  }
}
