import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The seed's `users` table, with roles and lockout state. Personal data columns (phone, date of
 * birth, MFA secret) hold ciphertext, so they are text rather than the seed's narrow types.
 */
export class Users1732420000001 implements MigrationInterface {
  name = "Users1732420000001";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id                 uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        email              varchar(255) NOT NULL UNIQUE CHECK (email = lower(email)),
        password_hash      varchar(255) NOT NULL,
        first_name         varchar(100) NOT NULL,
        last_name          varchar(100) NOT NULL,
        phone_number       text,
        date_of_birth      text,
        country            varchar(2)   CHECK (country ~ '^[A-Z]{2}$'),
        kyc_status         varchar(20)  NOT NULL DEFAULT 'NOT_STARTED'
                           CHECK (kyc_status IN ('NOT_STARTED', 'PENDING', 'VERIFIED', 'REJECTED', 'MANUAL_REVIEW')),
        aml_risk_level     varchar(20)  NOT NULL DEFAULT 'LOW' CHECK (aml_risk_level IN ('LOW', 'MEDIUM', 'HIGH')),
        roles              text[]       NOT NULL DEFAULT '{TRADER}',
        is_active          boolean      NOT NULL DEFAULT true,
        mfa_enabled        boolean      NOT NULL DEFAULT false,
        mfa_secret         text,
        backup_codes       text,
        failed_login_count integer      NOT NULL DEFAULT 0,
        locked_until       timestamptz,
        created_at         timestamptz  NOT NULL DEFAULT now(),
        updated_at         timestamptz  NOT NULL DEFAULT now(),
        metadata           jsonb
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE users`);
  }
}
