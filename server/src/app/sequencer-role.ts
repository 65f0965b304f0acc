import { randomUUID } from "node:crypto";
import type { ChainRuntime } from "../chain";
import type { Config } from "../config";
import type { Logger } from "../infra/logger";
import { type CommandIntake, commandStreamKeys, Leadership } from "../trading";
import type { Services } from "./context";

export type SequencerState = "standby" | "active" | "deposed" | "stopped";

/**
 * ROLE=sequencer: waits for the sequencer lock; once it holds it, bumps the epoch (so the
 * previous holder can no longer commit), rebuilds from the journal, starts the jobs that run
 * once per deployment (price feed, valuation, market maker, auto-rebalancer, chain indexer,
 * scheduled jobs) and takes commands off the stream. It steps down, for good, the moment its
 * lock's connection is gone or a commit of its finds the epoch moved: its memory may be ahead
 * of the journal, so it stops and lets its supervisor start it again as a standby.
 */
export class SequencerRole {
  state: SequencerState = "standby";
  /** The lock connection's backend pid while active. */
  lockPid: number | null = null;
  epoch: bigint | null = null;
  readonly deposed: Promise<void>;
  /** Resolves once this process serves as the active sequencer. */
  readonly activated: Promise<void>;
  private markDeposed!: () => void;
  private markActive!: () => void;
  private readonly leadership: Leadership;
  private intake?: CommandIntake;
  private readonly consumer: string;

  constructor(
    private readonly config: Config,
    private readonly services: Services,
    private readonly log: Logger,
    private readonly startWork: () => Promise<void>,
    private readonly chain: ChainRuntime | null,
  ) {
    if (config.database.kind !== "postgres" || config.redis.kind !== "redis") throw new Error("ROLE=sequencer needs PostgreSQL and Redis");
    this.leadership = new Leadership(config.database.url, config.instanceName, log);
    this.consumer = `${config.instanceName}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.deposed = new Promise((resolve) => (this.markDeposed = resolve));
    this.activated = new Promise((resolve) => (this.markActive = resolve));
  }

  start(onDeposed: () => void): void {
    void this.run().catch((error: unknown) => {
      if (this.state === "stopped") return;
      this.log.error({ err: error }, "the sequencer failed to take over");
      this.stepDown();
    });
    void this.deposed.then(onDeposed);
  }

  async stop(): Promise<void> {
    if (this.state !== "deposed") this.state = "stopped";
    await this.intake?.stop();
    await this.leadership.release();
  }

  private async run(): Promise<void> {
    const term = await this.leadership.acquire();
    if (this.state === "stopped") return;
    this.lockPid = term.pid;
    this.epoch = term.epoch;
    void term.lost.then((error) => {
      if (this.state !== "active" && this.state !== "standby") return;
      this.log.error({ err: { message: error.message } }, "the sequencer lock's connection is gone: stepping down");
      this.stepDown();
    });
    this.services.trading.fence({ epoch: term.epoch, deposed: () => this.stepDown() });
    const started = Date.now();
    await this.startWork();
    this.chain?.indexer.start();
    const redis = this.config.redis as { url: string; keyPrefix: string };
    this.intake = await this.services.trading.serveStream(
      { epoch: term.epoch, deposed: () => this.stepDown() },
      { url: redis.url, keys: commandStreamKeys(redis.keyPrefix), consumer: this.consumer, expireAfterMs: this.config.commandTimeoutMs },
      this.log,
    );
    // Deposed or stopped while starting: what was just started goes too.
    if (this.state !== "standby") return this.intake.stop();
    this.state = "active";
    this.markActive();
    this.log.info({ epoch: String(term.epoch), tookMs: Date.now() - started }, "sequencer active");
  }

  private stepDown(): void {
    if (this.state === "deposed" || this.state === "stopped") return;
    this.state = "deposed";
    void this.intake?.stop();
    void this.leadership.release();
    this.markDeposed();
  }
}
