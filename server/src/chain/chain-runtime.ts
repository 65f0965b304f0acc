import { createPublicClient, http, type PublicClient } from "viem";
import type { DataSource } from "typeorm";
import type { CheckpointLedger } from "../audit";
import type { Config } from "../config";
import type { Logger } from "../infra/logger";
import type { PubSub } from "../infra/pubsub";
import { OnChainCheckpointLedger } from "./audit-anchor-ledger";
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
  /** Set when AUDIT_ANCHOR_PRIVATE_KEY is: audit checkpoints are anchored in the AuditAnchor contract. */
  checkpointLedger: CheckpointLedger | null;
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
  const checkpointLedger = await openCheckpointLedger(config, client, deployment, file);
  log.info({ chainId, dex: deployment.dex, deployments: file, pairs: [...pairs.values()].map((pair) => pair.symbol), auditAnchor: checkpointLedger ? deployment.auditAnchor : null }, "chain features on");
  return { chainId, deployment, balances, holdings: new StoredWalletHoldings(dataSource), indexer, checkpointLedger };
}

async function openCheckpointLedger(config: Config["chain"], client: PublicClient, deployment: Deployment, file: string): Promise<CheckpointLedger | null> {
  if (!config.auditAnchorPrivateKey || !config.rpcUrl) return null;
  if (!deployment.auditAnchor) throw new Error(`AUDIT_ANCHOR_PRIVATE_KEY is set, but the deployments file ${file} has no AuditAnchor contract`);
  const ledger = new OnChainCheckpointLedger(client, config.rpcUrl, config.auditAnchorPrivateKey, deployment.auditAnchor, deployment.deploymentBlock);
  await ledger.assertOwner();
  return ledger;
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
