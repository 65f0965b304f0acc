import type { Address } from "viem";
import local from "../../../../contracts/deployments/31337.json";

/** Where the contracts live on the local chain: written by contracts/scripts/deploy.ts (a fresh node's addresses are always these). */
export interface Deployment {
  chainId: number;
  deploymentBlock: number;
  contracts: { OrderBookDEX: Address; StrategyVault: Address };
  tokens: Record<"dUSD" | "TGLD" | "TBILL", { address: Address; symbol: string; name: string; decimals: number }>;
  pairs: Array<{ pairId: number; symbol: "TGLD" | "TBILL"; base: Address; quote: Address; lotSize: string; minLots: string }>;
}

export const deployment = local as Deployment;
