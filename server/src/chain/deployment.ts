import fs from "node:fs";
import path from "node:path";
import { type Address, getAddress, isAddress } from "viem";
import { z } from "zod";
import { REPO_ROOT } from "../config";

const address = z.string().refine((value) => isAddress(value), "expected an address").transform((value) => getAddress(value));

const schema = z.object({
  chainId: z.number().int().positive(),
  deploymentBlock: z.number().int().min(0),
  contracts: z.object({ OrderBookDEX: address, AuditAnchor: address.optional() }).passthrough(),
  tokens: z.record(z.string(), z.object({ address, symbol: z.string(), name: z.string(), decimals: z.number().int().min(0).max(36) })),
  pairs: z.array(
    z.object({
      pairId: z.number().int().positive(),
      symbol: z.string().min(1).max(20),
      base: address,
      quote: address,
      lotSize: z.string().regex(/^[1-9]\d*$/),
    }),
  ),
});

export interface TokenInfo {
  address: Address;
  symbol: string;
  decimals: number;
}

/** A pair the deployment listed: the only pairs the indexer trusts (listing on the DEX is permissionless). */
export interface PairInfo {
  pairId: bigint;
  symbol: string;
  base: TokenInfo;
  quote: TokenInfo;
  lotSize: bigint;
}

export interface Deployment {
  chainId: number;
  deploymentBlock: bigint;
  dex: Address;
  /** Absent in deployments made before the anchor existed. */
  auditAnchor?: Address;
  pairs: Map<bigint, PairInfo>;
}

/** Where the deployments file is: configured, or `contracts/deployments/<chainId>.json`. */
export function deploymentsFile(configured: string | undefined, chainId: number): string {
  return configured ?? path.join(REPO_ROOT, "contracts", "deployments", `${chainId}.json`);
}

/** Reads and checks the file `contracts/scripts/deploy.ts` writes; a wrong chain or shape stops start-up loudly. */
export function loadDeployment(file: string, chainId: number): Deployment {
  if (!fs.existsSync(file)) throw new Error(`no deployments file at ${file}: run \`npm run deploy:local -w contracts\` or set CHAIN_DEPLOYMENTS_FILE`);
  const parsed = schema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`invalid deployments file ${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const record = parsed.data;
  if (record.chainId !== chainId) throw new Error(`deployments file ${file} is for chain ${record.chainId}, the node serves chain ${chainId}`);
  const byAddress = new Map(Object.values(record.tokens).map((token) => [token.address, token]));
  const token = (at: Address): TokenInfo => {
    const found = byAddress.get(at);
    if (!found) throw new Error(`deployments file ${file}: pair token ${at} is not in "tokens"`);
    return { address: found.address, symbol: found.symbol, decimals: found.decimals };
  };
  const pairs = new Map<bigint, PairInfo>();
  for (const pair of record.pairs) {
    pairs.set(BigInt(pair.pairId), { pairId: BigInt(pair.pairId), symbol: pair.symbol, base: token(pair.base), quote: token(pair.quote), lotSize: BigInt(pair.lotSize) });
  }
  return { chainId, deploymentBlock: BigInt(record.deploymentBlock), dex: record.contracts.OrderBookDEX, auditAnchor: record.contracts.AuditAnchor, pairs };
}
