import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One active sequencer (issue 14). `sequencer_epoch` is bumped by each sequencer that takes the
 * advisory lock; every batch transaction checks it, so a deposed sequencer cannot commit.
 * `sequencer_commands` records the ids of commands that came over Redis Streams with their
 * answer, written in the batch's own transaction, so a command delivered twice is applied once;
 * an API process that gave up waiting writes a refusal first, so a late command is never applied.
 */
export class SequencerFencing1732420000120 implements MigrationInterface {
  name = "SequencerFencing1732420000120";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sequencer_epoch (id smallint PRIMARY KEY CHECK (id = 1), epoch bigint NOT NULL, holder text NOT NULL, taken_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`INSERT INTO sequencer_epoch (id, epoch, holder) VALUES (1, 0, '')`);
    await q.query(`CREATE TABLE sequencer_commands (id text PRIMARY KEY, reply text NOT NULL, applied boolean NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX sequencer_commands_recorded_idx ON sequencer_commands (recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sequencer_commands`);
    await q.query(`DROP TABLE sequencer_epoch`);
  }
}
