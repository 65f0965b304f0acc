import { useConnect, useConnection, useDisconnect } from "wagmi";
import { chainErrorMessage } from "./use-chain-tx";

/** Connect and disconnect the browser's wallet (the injected connector), on the local chain. */
export function ConnectPanel() {
  const connection = useConnection();
  const connect = useConnect();
  const disconnect = useDisconnect();
  if (connection.isConnected && connection.address) {
    return (
      <section className="card row spread" aria-label="Wallet connection">
        <div>
          Connected: <code data-testid="wallet-address">{connection.address}</code>{" "}
          <span className="muted">
            via {connection.connector?.name} · chain {connection.chainId}
          </span>
        </div>
        <button type="button" onClick={() => disconnect.mutate()}>
          Disconnect
        </button>
      </section>
    );
  }
  const connectors = connect.connectors;
  return (
    <section className="card stack" aria-label="Wallet connection">
      <p>Connect a browser wallet (MetaMask or similar) on the local chain 31337 to link it, trade on the DEX and use the vault.</p>
      <div className="row">
        {connectors.map((connector) => (
          <button key={connector.uid} type="button" className="primary" disabled={connect.isPending} onClick={() => connect.mutate({ connector })}>
            {connect.isPending ? "Connecting…" : `Connect ${connector.name === "Injected" ? "browser wallet" : connector.name}`}
          </button>
        ))}
      </div>
      {connect.error && (
        <p className="form-error" role="alert">
          {(connect.error as { name: string }).name === "ProviderNotFoundError" ? "No browser wallet found. Install one (e.g. MetaMask) and reload." : chainErrorMessage(connect.error)}
        </p>
      )}
    </section>
  );
}
