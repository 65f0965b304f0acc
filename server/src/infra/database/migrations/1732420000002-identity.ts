import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Sessions, MFA and partner keys. Every secret here is stored as a hash (tokens, codes, API
 * key secrets) or as AES-256-GCM ciphertext (the TOTP secret, in users.mfa_secret).
 */
export class Identity1732420000002 implements MigrationInterface {
  name = "Identity1732420000002";

  async up(q: QueryRunner): Promise<void> {
    // The last TOTP time step accepted, so the same code cannot be replayed within its window.
    await q.query(`ALTER TABLE users ADD COLUMN mfa_last_step bigint`);
    await q.query(`ALTER TABLE users ADD COLUMN mfa_pending_secret text`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid        NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id   uuid        NOT NULL,
        token_hash  char(64)    NOT NULL UNIQUE,
        expires_at  timestamptz NOT NULL,
        rotated_at  timestamptz,
        revoked_at  timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`
      CREATE TABLE mfa_challenges (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id       uuid        NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash    char(64)    NOT NULL UNIQUE,
        expires_at    timestamptz NOT NULL,
        attempts      integer     NOT NULL DEFAULT 0,
        consumed_at   timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id       uuid         NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name          varchar(100) NOT NULL,
        prefix        varchar(16)  NOT NULL UNIQUE,
        secret_hash   char(64)     NOT NULL,
        scopes        text[]       NOT NULL,
        created_at    timestamptz  NOT NULL DEFAULT now(),
        last_used_at  timestamptz,
        revoked_at    timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_user_idx ON api_keys (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`DROP TABLE mfa_challenges`);
    await q.query(`DROP TABLE refresh_tokens`);
    await q.query(`ALTER TABLE users DROP COLUMN mfa_pending_secret`);
    await q.query(`ALTER TABLE users DROP COLUMN mfa_last_step`);
  }
}
