import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { type CreateConnectorFn, useConnection, WagmiProvider } from "wagmi";
import { createWagmiConfig } from "../../lib/wagmi";
import { ConnectPanel } from "./ConnectPanel";
import { DexPanel } from "./DexPanel";
import { LinkedWallets } from "./LinkedWallets";
import { TokenBalances } from "./TokenBalances";
import { VaultPanel } from "./VaultPanel";

/**
 * The wallet screen owns wagmi and its query client: both live in this lazy chunk, so the
 * trading screens never download them.
 */
export function WalletProviders({ children, connectors, rpcUrl }: { children: ReactNode; connectors?: CreateConnectorFn[]; rpcUrl?: string }) {
  const [wagmi] = useState(() => createWagmiConfig({ connectors, rpcUrl }));
  const [queries] = useState(() => new QueryClient());
  return (
    <WagmiProvider config={wagmi}>
      <QueryClientProvider client={queries}>{children}</QueryClientProvider>
    </WagmiProvider>
  );
}

export function WalletScreen() {
  const { address, isConnected } = useConnection();
  return (
    <div className="stack">
      <h1>Wallet</h1>
      <ConnectPanel />
      <LinkedWallets />
      {isConnected && address && (
        <>
          <TokenBalances address={address} />
          <div className="columns">
            <DexPanel address={address} />
            <VaultPanel address={address} />
          </div>
        </>
      )}
    </div>
  );
}

export function WalletPage() {
  return (
    <WalletProviders>
      <WalletScreen />
    </WalletProviders>
  );
}
