import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * When the session's password (and second factor) were last proven: carried through refresh
 * rotations, so sensitive changes can ask for a recent sign-in rather than any live token.
 */
export class AuthTime1732420000006 implements MigrationInterface {
  name = "AuthTime1732420000006";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens ADD COLUMN auth_time timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens DROP COLUMN auth_time`);
  }
}
