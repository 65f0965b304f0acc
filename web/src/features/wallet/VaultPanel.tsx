import { type FormEvent, useState } from "react";
import { formatUnits, parseUnits } from "viem";
import { useReadContracts } from "wagmi";
import { Field, FormError } from "../../components/ui/Field";
import { ErrorState, Loading } from "../../components/ui/States";
import { assetTokenAbi, strategyVaultAbi } from "../../lib/contracts/abis";
import { deployment } from "../../lib/contracts/deployments";
import { toast } from "../../lib/toast";
import { useChainSteps } from "./use-chain-tx";

const VAULT = deployment.contracts.StrategyVault;
const USD = deployment.tokens.dUSD;

/** The dUSD vault: deposit (approve, then deposit), see principal and yield, claim the yield alone. */
export function VaultPanel({ address }: { address: `0x${string}` }) {
  const steps = useChainSteps();
  const [invalid, setInvalid] = useState<string | null>(null);
  const reads = useReadContracts({
    contracts: [
      { address: VAULT, abi: strategyVaultAbi, functionName: "principalOf", args: [address] },
      { address: VAULT, abi: strategyVaultAbi, functionName: "claimableYield", args: [address] },
      { address: VAULT, abi: strategyVaultAbi, functionName: "totalAssets" },
    ],
    allowFailure: false,
    query: { refetchInterval: 2_000 },
  });
  const [principal, claimable, total] = reads.data ?? [];

  async function deposit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const text = String(new FormData(form).get("amount") ?? "").trim();
    if (!/^\d+(\.\d{1,6})?$/.test(text) || parseUnits(text, USD.decimals) === 0n) return setInvalid("Enter a positive dUSD amount (at most 6 decimals)");
    setInvalid(null);
    const assets = parseUnits(text, USD.decimals);
    const done = await steps.run([
      ["Approving dUSD…", { address: USD.address, abi: assetTokenAbi, functionName: "approve", args: [VAULT, assets] }],
      ["Depositing…", { address: VAULT, abi: strategyVaultAbi, functionName: "deposit", args: [assets, address] }],
    ]);
    if (done) {
      toast("success", "Deposited into the vault", `${text} dUSD`);
      form.reset();
      void reads.refetch();
    }
  }

  async function claim() {
    const done = await steps.run([["Claiming yield…", { address: VAULT, abi: strategyVaultAbi, functionName: "claimYield", args: [address] }]]);
    if (done) {
      toast("success", "Yield claimed");
      void reads.refetch();
    }
  }

  return (
    <section className="card stack" aria-labelledby="vault">
      <h2 id="vault">dUSD vault</h2>
      {reads.isPending ? (
        <Loading label="Reading the vault…" />
      ) : reads.error ? (
        <ErrorState message="The vault could not be read." onRetry={() => void reads.refetch()} />
      ) : (
        <dl className="facts" data-testid="vault">
          <dt>Your principal</dt>
          <dd data-testid="vault-principal">{formatUnits(principal as bigint, USD.decimals)} dUSD</dd>
          <dt>Claimable yield</dt>
          <dd data-testid="vault-yield">{formatUnits(claimable as bigint, USD.decimals)} dUSD</dd>
          <dt>Vault assets</dt>
          <dd>{formatUnits(total as bigint, USD.decimals)} dUSD</dd>
        </dl>
      )}
      <form className="row align-end" onSubmit={deposit} aria-label="Vault deposit" noValidate>
        <Field label="Deposit (dUSD)" name="amount" inputMode="decimal" error={invalid} />
        <button type="submit" className="primary" disabled={steps.busy}>
          {steps.step ?? "Deposit"}
        </button>
        <button type="button" disabled={steps.busy || !claimable} onClick={() => void claim()}>
          Claim yield
        </button>
      </form>
      <FormError message={steps.error} />
    </section>
  );
}
