import type { DataSource, EntityManager } from "typeorm";
import type { Block, PublicClient } from "viem";
import { formatFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { type PubSub, type TradeEvent, topics } from "../infra/pubsub";
import { orderBookDexAbi } from "./abis";
import type { Deployment, PairInfo } from "./deployment";
import { fillFigures } from "./fill-math";
import type { WalletBalances } from "./wallet-balances";

export interface IndexerOptions {
  pollIntervalMs: number;
  confirmations: number;
  /** Recent block hashes kept to find a fork point. */
  reorgDepth: number;
}

/** Logs asked for per request: public nodes cap ranges, and a long catch-up commits as it goes. */
const MAX_RANGE = 2_000n;

interface IndexedFill {
  blockNumber: bigint;
  logIndex: number;
  blockHash: string;
  txHash: string;
  pair: PairInfo;
  makerOrderId: bigint;
  takerOrderId: bigint;
  maker: string;
  taker: string;
  takerIsBuy: boolean;
  price: string;
  quantity: string;
  baseAmount: bigint;
  quoteAmount: bigint;
  executedAt: Date;
}

/**
 * Indexes the DEX's `OrderFilled` events into `chain_trades`, from the deployment block on.
 * Idempotent: a fill's key is its place in the chain (block, log index), inserts ignore what
 * is already there, and the cursor moves in the same transaction as the rows, so a restart
 * resumes where the last commit ended and never stores or publishes a fill twice. Reorgs: the
 * hashes of recent indexed blocks are kept; when the cursor's block no longer has its hash, the
 * newest kept block that still does is the fork point, and everything after it is deleted and
 * indexed again (deeper than the kept window, e.g. a restarted local node: from the deployment).
 * Fills are published on `trades.<symbol>` after the commit, only by the process that inserted
 * them; a fill published before its block was reorged away cannot be taken back (wait
 * CHAIN_CONFIRMATIONS blocks where that matters).
 */
export class ChainIndexer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly client: PublicClient,
    private readonly deployment: Deployment,
    private readonly pairs: Map<bigint, PairInfo>,
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly balances: WalletBalances,
    private readonly log: Logger,
    private readonly options: IndexerOptions,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce().then(
        (caughtUp) => {
          this.failures = 0;
          this.schedule(caughtUp ? this.options.pollIntervalMs : 0);
        },
        (error: unknown) => {
          // The node may be restarting or unreachable: say so once per outage, keep trying.
          if (this.failures++ === 0) this.log.warn({ err: error }, "chain indexer: poll failed; retrying");
          this.schedule(Math.min(this.options.pollIntervalMs * 2 ** Math.min(this.failures, 5), 30_000));
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  /** One step: detect a reorg, index the next range, refresh linked balances. True when caught up. */
  async pollOnce(): Promise<boolean> {
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    const safe = head - BigInt(this.options.confirmations);
    const cursor = await this.resolveFork(await this.cursor(), head);
    if (safe <= cursor) {
      if (safe >= 0n) await this.balances.refresh(safe);
      return true;
    }
    const from = cursor + 1n;
    const to = safe - from + 1n > MAX_RANGE ? from + MAX_RANGE - 1n : safe;
    // The range's last block is read before its logs: if a reorg lands in between, the kept hash
    // is the old one, and the next round finds the mismatch and indexes the range again.
    const last = await this.client.getBlock({ blockNumber: to });
    const fills = await this.fetchFills(from, to);
    const hashes = new Map<bigint, string>([[to, last.hash!], ...fills.map((fill): [bigint, string] => [fill.blockNumber, fill.blockHash])]);
    const inserted = await this.dataSource.transaction(async (manager) => {
      const rows = await this.insertFills(manager, fills);
      await this.remember(manager, hashes, to);
      return rows;
    });
    // Balances first: a client that sees the fill on `trades` then reads positions sees it there too.
    await this.balances.refresh(to);
    for (const event of inserted) await this.pubsub.publish(topics.trades(event.symbol), event);
    if (inserted.length > 0) this.log.info({ from: String(from), to: String(to), fills: inserted.length }, "chain fills indexed");
    return to === safe;
  }

  private async fetchFills(from: bigint, to: bigint): Promise<IndexedFill[]> {
    const logs = await this.client.getContractEvents({ address: this.deployment.dex, abi: orderBookDexAbi, eventName: "OrderFilled", fromBlock: from, toBlock: to, strict: true });
    const blocks = new Map<bigint, Block>();
    const fills: IndexedFill[] = [];
    for (const log of logs) {
      const pair = this.pairs.get(BigInt(log.args.pairId));
      // Listing is permissionless: a pair the deployment does not name is someone else's.
      if (!pair) continue;
      let block = blocks.get(log.blockNumber);
      if (!block) blocks.set(log.blockNumber, (block = await this.client.getBlock({ blockNumber: log.blockNumber })));
      // A reorg between the two reads: give up this round, the next one sees a consistent chain.
      if (block.hash !== log.blockHash) throw new Error(`block ${log.blockNumber} changed while indexing`);
      const figures = fillFigures(pair, log.args.price, log.args.lots);
      if (!figures.exact) this.log.warn({ symbol: pair.symbol, block: String(log.blockNumber) }, "chain fill rounded to 10 decimal places");
      fills.push({
        blockNumber: log.blockNumber,
        logIndex: log.logIndex,
        blockHash: log.blockHash,
        txHash: log.transactionHash,
        pair,
        makerOrderId: log.args.makerOrderId,
        takerOrderId: log.args.takerOrderId,
        maker: log.args.maker,
        taker: log.args.taker,
        takerIsBuy: log.args.takerIsBuy,
        price: formatFixed(figures.price),
        quantity: formatFixed(figures.quantity),
        baseAmount: log.args.baseAmount,
        quoteAmount: log.args.quoteAmount,
        executedAt: new Date(Number(block.timestamp) * 1000),
      });
    }
    return fills;
  }

  private async insertFills(manager: EntityManager, fills: IndexedFill[]): Promise<TradeEvent[]> {
    const events: TradeEvent[] = [];
    for (const fill of fills) {
      const [row] = await manager.query(
        `INSERT INTO chain_trades (chain_id, block_number, log_index, block_hash, tx_hash, pair_id, symbol, price, quantity, aggressor_side,
                                   maker, taker, maker_order_id, taker_order_id, base_amount, quote_amount, executed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (chain_id, block_number, log_index) DO NOTHING RETURNING id`,
        [
          this.deployment.chainId, String(fill.blockNumber), fill.logIndex, fill.blockHash, fill.txHash, String(fill.pair.pairId), fill.pair.symbol,
          fill.price, fill.quantity, fill.takerIsBuy ? "BUY" : "SELL", fill.maker, fill.taker, String(fill.makerOrderId), String(fill.takerOrderId),
          String(fill.baseAmount), String(fill.quoteAmount), fill.executedAt,
        ],
      );
      if (!row) continue;
      events.push({
        id: row.id,
        symbol: fill.pair.symbol,
        price: fill.price,
        quantity: fill.quantity,
        aggressorSide: fill.takerIsBuy ? "BUY" : "SELL",
        executedAt: fill.executedAt.toISOString(),
        sequence: `chain:${fill.blockNumber}:${fill.logIndex}`,
      });
    }
    return events;
  }

  /** Stores hashes of the indexed blocks, forgets those past the reorg window, moves the cursor. */
  private async remember(manager: EntityManager, hashes: Map<bigint, string>, to: bigint): Promise<void> {
    const { chainId } = this.deployment;
    for (const [number, hash] of hashes) {
      await manager.query(`INSERT INTO chain_blocks (chain_id, number, hash) VALUES ($1, $2, $3) ON CONFLICT (chain_id, number) DO UPDATE SET hash = EXCLUDED.hash`, [chainId, String(number), hash]);
    }
    await manager.query(`DELETE FROM chain_blocks WHERE chain_id = $1 AND number <= $2`, [chainId, String(to - BigInt(this.options.reorgDepth))]);
    await manager.query(
      `INSERT INTO chain_cursors (chain_id, contract, last_block) VALUES ($1, $2, $3)
       ON CONFLICT (chain_id, contract) DO UPDATE SET last_block = EXCLUDED.last_block, updated_at = now()`,
      [chainId, this.deployment.dex, String(to)],
    );
  }

  private async cursor(): Promise<bigint> {
    const [row] = await this.dataSource.query(`SELECT last_block FROM chain_cursors WHERE chain_id = $1 AND contract = $2`, [this.deployment.chainId, this.deployment.dex]);
    return row ? BigInt(row.last_block) : this.deployment.deploymentBlock - 1n;
  }

  /** The cursor itself when its block is still on the chain; else the fork point, after rolling back past it. */
  private async resolveFork(cursor: bigint, head: bigint): Promise<bigint> {
    const { chainId } = this.deployment;
    const [kept] = await this.dataSource.query(`SELECT hash FROM chain_blocks WHERE chain_id = $1 AND number = $2`, [chainId, String(cursor)]);
    if (!kept) return cursor;
    if (cursor <= head && (await this.hashAt(cursor)) === kept.hash) return cursor;
    const recent: Array<{ number: string; hash: string }> = await this.dataSource.query(`SELECT number, hash FROM chain_blocks WHERE chain_id = $1 AND number < $2 ORDER BY number DESC`, [chainId, String(cursor)]);
    let fork = this.deployment.deploymentBlock - 1n;
    for (const block of recent) {
      if (BigInt(block.number) <= head && (await this.hashAt(BigInt(block.number))) === block.hash) {
        fork = BigInt(block.number);
        break;
      }
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM chain_trades WHERE chain_id = $1 AND block_number > $2`, [chainId, String(fork)]);
      await manager.query(`DELETE FROM chain_blocks WHERE chain_id = $1 AND number > $2`, [chainId, String(fork)]);
      await manager.query(`UPDATE chain_cursors SET last_block = $3, updated_at = now() WHERE chain_id = $1 AND contract = $2`, [chainId, this.deployment.dex, String(fork)]);
    });
    if (fork === this.deployment.deploymentBlock - 1n) {
      // No kept block is on this chain: what a development node restarted from genesis looks
      // like (npm start's local chain, every start). Not a warning: nothing is wrong.
      this.log.info({ from: String(cursor) }, "chain: none of the indexed blocks is on this chain (a restarted node, or a reorg deeper than CHAIN_REORG_DEPTH); indexing again from the deployment");
    } else {
      this.log.warn({ from: String(cursor), forkBlock: String(fork) }, "chain reorg: rolled back indexed fills after the fork block; indexing them again");
    }
    return fork;
  }

  private async hashAt(blockNumber: bigint): Promise<string | null> {
    return this.client.getBlock({ blockNumber }).then(
      (block) => block.hash,
      () => null,
    );
  }
}
