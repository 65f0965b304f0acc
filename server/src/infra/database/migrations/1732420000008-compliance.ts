import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * KYC verifications, suspicious activities (with their SAR numbers), CTR filings and the
 * screening state. Document numbers and birth dates are ciphertext (FieldCipher), never plain.
 */
export class Compliance1732420000008 implements MigrationInterface {
  name = "Compliance1732420000008";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kyc_verifications (
        id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id          uuid         NOT NULL REFERENCES users(id),
        status           varchar(20)  NOT NULL CHECK (status IN ('PENDING', 'VERIFIED', 'REJECTED', 'MANUAL_REVIEW')),
        document_type    varchar(20)  NOT NULL CHECK (document_type IN ('PASSPORT', 'NATIONAL_ID', 'DRIVERS_LICENSE')),
        document_number  text         NOT NULL,
        issuing_country  char(2)      NOT NULL,
        nationality      char(2)      NOT NULL,
        date_of_birth    text         NOT NULL,
        expiry_date      date         NOT NULL,
        checks           jsonb        NOT NULL DEFAULT '[]',
        reason           text,
        decided_by       uuid         REFERENCES users(id),
        submitted_at     timestamptz(3) NOT NULL DEFAULT now(),
        decided_at       timestamptz(3)
      )`);
    await q.query(`CREATE INDEX kyc_verifications_user_idx ON kyc_verifications (user_id, submitted_at DESC)`);
    await q.query(`CREATE INDEX kyc_verifications_status_idx ON kyc_verifications (status, submitted_at)`);
    await q.query(`CREATE SEQUENCE sar_numbers`);
    await q.query(`
      CREATE TABLE suspicious_activities (
        id               uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id          uuid         NOT NULL REFERENCES users(id),
        sar_number       varchar(24)  UNIQUE CHECK (sar_number ~ '^SAR-[0-9]{8}-[0-9]{6,}$'),
        rule             varchar(40)  NOT NULL,
        risk_score       integer      NOT NULL CHECK (risk_score BETWEEN 0 AND 100),
        description      text         NOT NULL,
        transaction_ids  text[]       NOT NULL DEFAULT '{}',
        status           varchar(20)  NOT NULL DEFAULT 'OPEN',
        -- One alert per rule, person and period (or per list entry): re-evaluation does not repeat it.
        dedup_key        varchar(200) NOT NULL UNIQUE,
        created_at       timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX suspicious_activities_created_idx ON suspicious_activities (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX suspicious_activities_user_idx ON suspicious_activities (user_id)`);
    await q.query(`
      CREATE TABLE ctr_filings (
        id               uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id          uuid           NOT NULL REFERENCES users(id),
        business_date    date           NOT NULL,
        total_cash_in    numeric(30,10) NOT NULL,
        total_cash_out   numeric(30,10) NOT NULL,
        transaction_ids  text[]         NOT NULL,
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        updated_at       timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (user_id, business_date)
      )`);
    await q.query(`CREATE INDEX ctr_filings_date_idx ON ctr_filings (business_date)`);
    await q.query(`
      CREATE TABLE sanctions_list_state (
        list_name      varchar(50)  PRIMARY KEY,
        content_hash   char(64)     NOT NULL,
        entries        integer      NOT NULL,
        screened_at    timestamptz(3) NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sanctions_list_state`);
    await q.query(`DROP TABLE ctr_filings`);
    await q.query(`DROP TABLE suspicious_activities`);
    await q.query(`DROP SEQUENCE sar_numbers`);
    await q.query(`DROP TABLE kyc_verifications`);
  }
}
