import { createPublicClient, http, type PublicClient } from "viem";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import type { Logger } from "../infra/logger";
import type { PubSub } from "../infra/pubsub";
import { ChainIndexer } from "./chain-indexer";
import { type Deployment, deploymentsFile, loadDeployment, type PairInfo } from "./deployment";
import { type TrackedToken, WalletBalances } from "./wallet-balances";
import { StoredWalletHoldings } from "./wallet-holdings";

/** Everything the chain features run on, when CHAIN_RPC_URL is set. */
export interface ChainRuntime {
  chainId: number;
  deployment: Deployment;
  balances: WalletBalances;
  holdings: StoredWalletHoldings;
  indexer: ChainIndexer;
}

/**
 * Connects to the node, reads the deployments file for its chain and keeps the pairs whose
 * symbol is a TOKENIZED instrument. Null, said once in the log, when no chain is configured.
 * The indexer is built but not started (start-up starts it with the other background work).
 */
export async function openChain(config: Config["chain"], dataSource: DataSource, pubsub: PubSub, log: Logger): Promise<ChainRuntime | null> {
  if (!config.rpcUrl) {
    log.info("chain features are off (set CHAIN_RPC_URL to index the DEX and link wallets)");
    return null;
  }
  const client = createPublicClient({ transport: http(config.rpcUrl, { retryCount: 1 }) }) as PublicClient;
  const chainId = await client.getChainId().catch((error: unknown) => {
    throw new Error(`CHAIN_RPC_URL ${config.rpcUrl} does not answer: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  });
  const file = deploymentsFile(config.deploymentsFile, chainId);
  const deployment = loadDeployment(file, chainId);
  const pairs = await tokenizedPairs(deployment, dataSource, log);
  const tokens: TrackedToken[] = [...pairs.values()].map((pair) => ({ ...pair.base, instrument: pair.symbol }));
  const chainLog = log.child({ feature: "chain", chainId });
  const balances = new WalletBalances(client, tokens, dataSource, pubsub, chainLog);
  const indexer = new ChainIndexer(client, deployment, pairs, dataSource, pubsub, balances, chainLog, config);
  log.info({ chainId, dex: deployment.dex, deployments: file, pairs: [...pairs.values()].map((pair) => pair.symbol) }, "chain features on");
  return { chainId, deployment, balances, holdings: new StoredWalletHoldings(dataSource), indexer };
}

async function tokenizedPairs(deployment: Deployment, dataSource: DataSource, log: Logger): Promise<Map<bigint, PairInfo>> {
  const symbols = [...deployment.pairs.values()].map((pair) => pair.symbol);
  const rows: Array<{ symbol: string }> = await dataSource.query(`SELECT symbol FROM instruments WHERE asset_class = 'TOKENIZED' AND symbol = ANY($1::text[])`, [symbols]);
  const known = new Set(rows.map((row) => row.symbol));
  const pairs = new Map<bigint, PairInfo>();
  for (const [id, pair] of deployment.pairs) {
    if (known.has(pair.symbol)) pairs.set(id, pair);
    else log.warn({ symbol: pair.symbol }, "deployment pair has no TOKENIZED instrument; its fills are not indexed");
  }
  return pairs;
}
