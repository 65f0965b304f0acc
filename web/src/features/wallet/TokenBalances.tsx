import { formatUnits } from "viem";
import { useReadContracts } from "wagmi";
import { ErrorState, Loading } from "../../components/ui/States";
import { assetTokenAbi, strategyVaultAbi } from "../../lib/contracts/abis";
import { deployment } from "../../lib/contracts/deployments";

const TOKENS = Object.values(deployment.tokens);

/** The connected wallet's tokens and vault shares, read from the chain (refreshed every block). */
export function TokenBalances({ address }: { address: `0x${string}` }) {
  const { data, isPending, error, refetch } = useReadContracts({
    contracts: [
      ...TOKENS.map((t) => ({ address: t.address, abi: assetTokenAbi, functionName: "balanceOf", args: [address] }) as const),
      { address: deployment.contracts.StrategyVault, abi: strategyVaultAbi, functionName: "balanceOf", args: [address] } as const,
    ],
    query: { refetchInterval: 2_000 },
  });
  return (
    <section className="card stack" aria-labelledby="balances">
      <h2 id="balances">Balances</h2>
      {isPending ? (
        <Loading label="Reading balances…" />
      ) : error ? (
        <ErrorState message="The chain could not be reached." onRetry={() => void refetch()} />
      ) : (
        <dl className="facts" data-testid="token-balances">
          {TOKENS.map((t, i) => (
            <div key={t.symbol} style={{ display: "contents" }}>
              <dt title={t.name}>{t.symbol}</dt>
              <dd data-testid={`balance-${t.symbol}`}>{data?.[i]?.status === "success" ? formatUnits(data[i].result as bigint, t.decimals) : "—"}</dd>
            </div>
          ))}
          <dt>Vault shares</dt>
          <dd data-testid="balance-vault">{data?.[TOKENS.length]?.status === "success" ? formatUnits(data[TOKENS.length].result as bigint, 6) : "—"}</dd>
        </dl>
      )}
    </section>
  );
}
