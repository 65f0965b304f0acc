import type { DataSource } from "typeorm";
import { type Address, erc20Abi, getAddress, type PublicClient } from "viem";
import { formatFixed } from "../infra/fixed";
import type { Logger } from "../infra/logger";
import { type PubSub, topics } from "../infra/pubsub";
import type { TokenInfo } from "./deployment";
import { atomsToFixed } from "./fill-math";

/** A token whose balance counts as a position: the base token of a listed pair, named by its instrument. */
export interface TrackedToken extends TokenInfo {
  instrument: string;
}

/**
 * Linked wallets' balances of the deployment's instrument tokens, read with `balanceOf` at a
 * block and kept in `wallet_balances` (atoms exactly, and the Fixed quantity rounded down). A
 * change is announced on `portfolios.changed` after its commit, so live valuation reloads the
 * portfolio the wallet is linked to. Read at most once per new block, by the indexer's loop.
 */
export class WalletBalances {
  private lastBlock = -1n;

  constructor(
    private readonly client: PublicClient,
    private readonly tokens: TrackedToken[],
    private readonly dataSource: DataSource,
    private readonly pubsub: PubSub,
    private readonly log: Logger,
  ) {}

  /** Every linked wallet at `block` (skipped when that block was already read). */
  async refresh(block: bigint): Promise<void> {
    if (block <= this.lastBlock) return;
    const wallets: Array<{ address: string }> = await this.dataSource.query(`SELECT address FROM wallets`);
    await this.store(wallets.map((wallet) => getAddress(wallet.address)), block);
    this.lastBlock = block;
  }

  /** One wallet now (when it is linked, so its positions show at once). */
  async refreshWallet(address: Address): Promise<void> {
    await this.store([address], await this.client.getBlockNumber({ cacheTime: 0 }));
  }

  private async store(addresses: Address[], block: bigint): Promise<void> {
    if (addresses.length === 0 || this.tokens.length === 0) return;
    const reads = addresses.flatMap((address) => this.tokens.map((token) => ({ address, token })));
    const atoms = await Promise.all(reads.map(({ address, token }) => this.client.readContract({ address: token.address, abi: erc20Abi, functionName: "balanceOf", args: [address], blockNumber: block })));
    const changed = await this.dataSource.transaction(async (manager) => {
      const portfolios = new Set<string>();
      for (const [i, { address, token }] of reads.entries()) {
        // Only a newer block may overwrite, and only a different amount counts as a change.
        const rows: Array<{ portfolio_id: string }> = await manager.query(
          `WITH upserted AS (
             INSERT INTO wallet_balances (address, symbol, quantity, atoms, block_number)
             SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM wallets WHERE address = $1)
             ON CONFLICT (address, symbol) DO UPDATE SET quantity = EXCLUDED.quantity, atoms = EXCLUDED.atoms, block_number = EXCLUDED.block_number
              WHERE wallet_balances.block_number < EXCLUDED.block_number AND wallet_balances.atoms <> EXCLUDED.atoms
             RETURNING address)
           SELECT w.portfolio_id FROM upserted u JOIN wallets w ON w.address = u.address`,
          [address, token.instrument, formatFixed(atomsToFixed(atoms[i], token.decimals)), String(atoms[i]), String(block)],
        );
        for (const row of rows) portfolios.add(row.portfolio_id);
      }
      return portfolios;
    });
    for (const portfolioId of changed) await this.pubsub.publish(topics.portfolioChanged(), { portfolioId });
    if (changed.size > 0) this.log.debug({ block: String(block), portfolios: changed.size }, "wallet balances changed");
  }
}
