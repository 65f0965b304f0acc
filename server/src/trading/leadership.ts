import { Client } from "pg";
import type { Logger } from "../infra/logger";

/** The advisory lock every `sequencer` process waits on; whoever holds it is the active one. */
export const SEQUENCER_LOCK = 0x42475351; // "BGSQ"

export interface Term {
  /** This sequencer's epoch: every commit checks the journal still has it. */
  epoch: bigint;
  /** Settles when the lock's connection is gone (killed, network lost): the lock is gone with it. */
  lost: Promise<Error>;
  /** The lock connection's backend pid (an operator, or a test, can cut it). */
  pid: number;
}

/**
 * One active sequencer: a PostgreSQL advisory lock, held by a connection of its own (not the
 * pool's, so no query of the batch path can release it or be stuck behind it). A standby
 * blocks in pg_advisory_lock until the holder's session ends; PostgreSQL releases the lock the
 * moment that session dies, whether the process was killed or its connection cut. The new
 * holder then bumps the epoch, which the previous holder's next commit would fail to match.
 */
export class Leadership {
  private client?: Client;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  /** Waits for the lock (retrying while the database is away), then takes the next epoch. */
  async acquire(): Promise<Term> {
    while (!this.stopped) {
      const client = new Client({ connectionString: this.url, application_name: `${this.name}:sequencer-lock`, keepAlive: true });
      const lost = new Promise<Error>((resolve) => {
        client.on("error", resolve);
        client.on("end", () => resolve(new Error("the lock's connection ended")));
      });
      this.client = client;
      try {
        await client.connect();
        const [{ pid }] = (await client.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows;
        this.log.info({ pid }, "sequencer standing by for the lock");
        await client.query(`SELECT pg_advisory_lock($1)`, [SEQUENCER_LOCK]);
        const [{ epoch }] = (await client.query<{ epoch: string }>(`UPDATE sequencer_epoch SET epoch = epoch + 1, holder = $1, taken_at = now() WHERE id = 1 RETURNING epoch`, [this.name])).rows;
        this.log.info({ epoch, pid }, "sequencer holds the lock");
        return { epoch: BigInt(epoch), lost, pid };
      } catch (error) {
        this.log.warn({ err: error }, "waiting for the sequencer lock failed; retrying");
        await client.end().catch(() => undefined);
        if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    throw new Error("stopped while waiting for the sequencer lock");
  }

  /** Ends the lock's session, which releases the lock at once. */
  async release(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
