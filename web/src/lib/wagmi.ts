import { defineChain } from "viem";
import { type CreateConnectorFn, createConfig, http } from "wagmi";
import { injected } from "wagmi/connectors/injected";
import { config } from "../config";

/** The local chain `npm start` runs (hardhat, id 31337), at the configured RPC. */
export const localChain = (rpcUrl = config.chainRpcUrl) =>
  defineChain({
    id: 31337,
    name: "BlockGuardian local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });

/**
 * wagmi for the wallet screen only (imported by its lazy chunk, so other screens never load it):
 * the browser's injected wallet, reads over our RPC. Tests pass wagmi's mock connector instead.
 */
export function createWagmiConfig({ connectors = [injected()], rpcUrl = config.chainRpcUrl }: { connectors?: CreateConnectorFn[]; rpcUrl?: string } = {}) {
  const chain = localChain(rpcUrl);
  return createConfig({ chains: [chain], connectors, transports: { [chain.id]: http(rpcUrl) }, ssr: false });
}
