import type { DataSource, EntityManager } from "typeorm";
import type { AuditEventInput, AuditService } from "../audit";
import { AppError, unavailable } from "../infra/errors";
import type { Logger } from "../infra/logger";
import type { Instrument } from "../market";
import { Accounts, type CashCommand, type CashSequencer, type FillInput, type TransactionRow } from "../portfolio";
import { encode, replyOf } from "./command-codec";
import { InstrumentDesk } from "./instrument-desk";
import { OrderSequences } from "./order-events";
import type { Fees } from "./order-persistence";
import { stepsOf } from "./order-validation";
import type { Publisher } from "./publisher";
import { SequenceStep, type SequencerCommand, type SequencerResult, type SequencerState, type StepPorts } from "./sequence-step";

/** The most commands one commit carries: enough to amortise the commit, small enough to keep each transaction short. */
export const MAX_BATCH = 512;

interface Job {
  command: SequencerCommand;
  /** Commands from other processes carry an id, recorded with the answer in the batch's transaction. */
  id?: string;
  resolve: (value: SequencerResult) => void;
  reject: (error: unknown) => void;
}

/**
 * How the gateway reaches the sequencer: in process (ROLE=all, the Sequencer itself) or over
 * Redis Streams (ROLE=api, `RemoteSequencer`). Either way the answer comes once committed.
 */
export interface SequencerGateway {
  submit(command: SequencerCommand): Promise<SequencerResult>;
}

/** Cash movements as the ledger sends them, through whichever gateway this process has. */
export function cashGateway(gateway: SequencerGateway): CashSequencer {
  return {
    moveCash: (command) => gateway.submit({ kind: "cash", command }) as Promise<TransactionRow>,
    bookFill: async (fill) => void (await gateway.submit({ kind: "bookFill", fill })),
  };
}

/** Thrown inside a batch whose epoch is no longer the journal's: another sequencer took over. */
export class Deposed extends Error {
  constructor(readonly epoch: bigint) {
    super(`sequencer epoch ${epoch} is no longer current`);
  }
}

/** The epoch this sequencer holds, checked by every commit, and what to do once it is lost. */
export interface Fence {
  epoch: bigint;
  deposed(error: unknown): void;
}

export interface SequencerPorts extends StepPorts {
  audit: Pick<AuditService, "link">;
  haltedSymbols(manager: EntityManager): Promise<string[]>;
  usersWithTradingDisabled(manager: EntityManager): Promise<string[]>;
}

/**
 * The one writer of cash, positions and orders (the LMAX / exchange-core shape). Every command
 * that moves money or orders queues here; whenever the sequencer is free it takes everything
 * waiting (up to MAX_BATCH), runs it in order against the books and accounts in memory, writes
 * the batch's journal in one transaction, and only then answers the callers and hands the batch
 * to the publisher. An idle sequencer starts at once, so a lone order waits for nobody; under
 * load the queue fills while the previous commit runs (group commit).
 *
 * A failed commit never leaves memory ahead of the database: the batch's changes are thrown
 * away by rebuilding the books and accounts from what is committed, and every command of the
 * batch is answered with the error.
 */
export class Sequencer implements CashSequencer, SequencerGateway {
  readonly state: SequencerState;
  /** Group commit at work: transactions committed, the commands they carried, the largest batch. */
  readonly stats = { batches: 0, commands: 0, largest: 0, rebuilds: 0 };
  private queue: Job[] = [];
  private draining: Promise<void> | null = null;
  private lastSummaryAt = Date.now();
  /** Publications of committed batches still on their way out. */
  private readonly publishing = new Set<Promise<void>>();
  /** ROLE=sequencer: the epoch each commit checks. Unset (ROLE=all): one process, nothing to fence. */
  private fence: Fence | null = null;

  constructor(
    private readonly dataSource: DataSource,
    fees: Map<string, Fees>,
    /** System accounts' quote churn is audited as one summary per instrument at most this often. */
    private readonly summaryIntervalMs: number,
    private readonly ports: SequencerPorts,
    private readonly publisher: Publisher,
    private readonly log: Logger,
  ) {
    this.state = {
      desks: new Map(),
      accounts: new Accounts(),
      halted: new Set(),
      disabledUsers: new Set(),
      systemUsers: new Set(),
      systemActivity: new Map(),
      engineIds: [],
      sequences: new OrderSequences(),
      fees: (symbol) => fees.get(symbol) ?? fees.get("*") ?? { makerBps: 0, takerBps: 0 },
    };
  }

  /** Opens a book per instrument and rebuilds books and accounts from the journal. */
  async start(instruments: Iterable<Instrument>): Promise<void> {
    for (const instrument of instruments) this.state.desks.set(instrument.symbol, new InstrumentDesk(stepsOf(instrument)));
    const restored = await this.rebuild();
    this.log.info({ books: this.state.desks.size, openOrders: restored, accounts: this.state.accounts.size }, "sequencer rebuilt from the journal");
  }

  /**
   * Opens a book for an instrument listed after start; its open orders, if any, are read back.
   * A command, so that it takes its place in the sequence like everything else.
   */
  async openBook(instrument: Instrument): Promise<void> {
    await this.submit({ kind: "openBook", instrument });
  }

  /** Lets what is queued finish its commit and its publication. */
  async stop(): Promise<void> {
    while (this.draining) await this.draining;
    await Promise.all(this.publishing);
  }

  desk(symbol: string): InstrumentDesk | undefined {
    return this.state.desks.get(symbol);
  }

  /** Marks an account as the system's (the market maker): its quote churn is summarised in the audit log. */
  markSystemUser(userId: string): void {
    this.state.systemUsers.add(userId);
  }

  /** Every commit from now on checks `fence.epoch` in its own transaction. */
  fenceWith(fence: Fence): void {
    this.fence = fence;
  }

  /**
   * Queues a command; resolves with its result once the batch it joined has committed. A
   * command with an id (from another process) has the id and its answer recorded in the same
   * transaction, so a redelivery finds it answered.
   */
  submit(command: SequencerCommand, id?: string): Promise<SequencerResult> {
    return new Promise<SequencerResult>((resolve, reject) => {
      this.queue.push({ command, id, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  moveCash(command: CashCommand): Promise<TransactionRow> {
    return this.submit({ kind: "cash", command }) as Promise<TransactionRow>;
  }

  async bookFill(fill: FillInput): Promise<void> {
    await this.submit({ kind: "bookFill", fill });
  }

  private async drain(): Promise<void> {
    // Let the commands that arrived in the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, MAX_BATCH);
      // `runBatch` settles its jobs; should it fail itself, they still get an answer and the sequencer goes on.
      await this.runBatch(jobs).catch((error: unknown) => jobs.forEach((job) => job.reject(error)));
    }
    this.draining = null;
  }

  private async runBatch(jobs: Job[]): Promise<void> {
    const results: Array<{ value?: SequencerResult; error?: unknown }> = [];
    let step: SequenceStep | undefined;
    try {
      await this.dataSource.transaction(async (manager) => {
        if (this.fence) await checkEpoch(manager, this.fence.epoch);
        step = new SequenceStep(manager, this.state, this.ports);
        await step.prepare(jobs.map((job) => job.command));
        for (const { command } of jobs) {
          try {
            results.push({ value: await step.run(command) });
          } catch (error) {
            // Refusals come before a command touches anything; any other failure spoils the batch.
            if (!(error instanceof AppError)) throw error;
            results.push({ error });
          }
        }
        await step.commit((m, events) => this.ports.audit.link(m, [...events, ...this.summaries(step!.now)]));
        await recordCommandIds(manager, jobs, results);
      });
    } catch (error) {
      if (error instanceof Deposed) {
        // Memory may be ahead of the journal and another sequencer owns it now: answer and step down.
        this.log.error({ epoch: String(error.epoch) }, "sequencer deposed: its commit was refused by the epoch fence");
        // A remote command is left unanswered and unacknowledged: the sequencer that took over
        // claims it and answers it (or its sender gives up and records a refusal). Answering it
        // here could contradict the new sequencer's answer.
        for (const job of jobs) job.reject(job.id === undefined ? unavailable(1, "The sequencer changed; retry") : error);
        this.fence?.deposed(error);
        return;
      }
      this.log.error({ err: error, commands: jobs.length }, "sequencer batch failed; rebuilding books and accounts from the journal");
      this.stats.rebuilds++;
      await this.rebuild().catch((rebuildError: unknown) => this.log.error({ err: rebuildError }, "rebuilding from the journal failed"));
      // A remote caller hears that nothing was applied (retryable), never an internal error it cannot act on.
      const notApplied = error instanceof AppError && error.extensions.code === "UNAVAILABLE" ? error : unavailable(1, "The command was not applied; retry");
      for (const job of jobs) job.reject(job.id === undefined ? error : notApplied);
      return;
    }
    this.stats.batches++;
    this.stats.commands += jobs.length;
    this.stats.largest = Math.max(this.stats.largest, jobs.length);
    jobs.forEach((job, i) => (results[i].error ? job.reject(results[i].error) : job.resolve(results[i].value)));
    // Not awaited: the next batch need not wait for Redis. Every publication of this batch is
    // issued before afterCommit returns, so events still leave in sequence order.
    // The changed portfolios as committed, taken now: the next batch changes memory again.
    const portfolios = [...step!.outcome.portfolios].filter((id) => this.state.accounts.has(id)).map((id) => ({ portfolioId: id, state: this.state.accounts.state(id) }));
    const published = this.publisher.afterCommit(step!.outcome, step!.touchedDesks, step!.orderEvents, portfolios).catch((error: unknown) => this.log.error({ err: error }, "publishing committed events failed"));
    this.publishing.add(published);
    void published.finally(() => this.publishing.delete(published));
  }

  /** Once a minute at most: one audit event per instrument for the system accounts' quoting. */
  private summaries(now: Date): AuditEventInput[] {
    if (now.getTime() - this.lastSummaryAt < this.summaryIntervalMs || this.state.systemActivity.size === 0) return [];
    const since = new Date(this.lastSummaryAt).toISOString();
    this.lastSummaryAt = now.getTime();
    const events = [...this.state.systemActivity].map(([symbol, counts]) => ({
      eventType: "market_maker.activity",
      entityType: "instrument",
      entityId: symbol,
      payload: { since, until: now.toISOString(), ordersPlaced: counts.placed, ordersCancelled: counts.cancelled, fills: counts.fills },
    }));
    this.state.systemActivity.clear();
    return events;
  }

  /**
   * Books, open orders, kill switches, the accounts of every portfolio with an open order and
   * each user's last order-event sequence, from what is committed: at start, and after a failed
   * commit (whose numbers were never journalled, so they are issued again).
   */
  private async rebuild(): Promise<number> {
    return this.dataSource.transaction("REPEATABLE READ", async (manager) => {
      const { accounts, desks } = this.state;
      accounts.reset();
      let open = 0;
      const portfolios = new Set<string>();
      for (const desk of desks.values()) {
        open += await desk.recover(manager);
        for (const row of desk.openOrders.values()) portfolios.add(row.portfolioId);
      }
      await accounts.load(manager, portfolios);
      await this.state.sequences.recover(manager);
      this.state.halted = new Set(await this.ports.haltedSymbols(manager));
      this.state.disabledUsers = new Set(await this.ports.usersWithTradingDisabled(manager));
      return open;
    });
  }
}

/**
 * The fence: one row, bumped by each sequencer that takes the advisory lock. Updating it to
 * itself where it still holds our epoch locks the row until this batch commits, so a new
 * sequencer's bump waits for a batch in flight and then refuses every later one of ours.
 */
async function checkEpoch(manager: EntityManager, epoch: bigint): Promise<void> {
  const rows = (await manager.query(`UPDATE sequencer_epoch SET epoch = epoch WHERE id = 1 AND epoch = $1 RETURNING epoch`, [String(epoch)])) as unknown[];
  // TypeORM answers an UPDATE ... RETURNING with [rows, count].
  const returned = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
  if (returned.length === 0) throw new Deposed(epoch);
}

/**
 * Remote commands' ids with their answers, in the batch's transaction. An API process that
 * gave up on a command has recorded a refusal under its id first: then this batch must not
 * commit, and its commands are answered UNAVAILABLE (never applied).
 */
async function recordCommandIds(manager: EntityManager, jobs: Job[], results: Array<{ value?: SequencerResult; error?: unknown }>): Promise<void> {
  const ids: string[] = [];
  const replies: string[] = [];
  jobs.forEach((job, i) => {
    if (job.id === undefined) return;
    ids.push(job.id);
    replies.push(encode(replyOf(results[i])));
  });
  if (ids.length === 0) return;
  const inserted = (await manager.query(
    `INSERT INTO sequencer_commands (id, reply, applied) SELECT id, reply, true FROM unnest($1::text[], $2::text[]) AS c(id, reply) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [ids, replies],
  )) as unknown[];
  if (inserted.length !== ids.length) throw unavailable(1, "A command timed out before its turn; retry");
}
