import { type FormEvent, useState } from "react";
import { useConnection, useSignMessage } from "wagmi";
import { FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { LinkedWalletsDocument, useLinkedWalletsQuery, useLinkWalletMutation, useUnlinkWalletMutation, useWalletChallengeMutation, useWalletPortfoliosQuery } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";
import { chainErrorMessage } from "./use-chain-tx";

/** Wallets linked to the account (their balances count in a portfolio), and linking the connected one. */
export function LinkedWallets() {
  const { data, loading, error, refetch } = useLinkedWalletsQuery({ fetchPolicy: "cache-and-network" });
  const portfolios = useWalletPortfoliosQuery();
  const [unlink] = useUnlinkWalletMutation({ refetchQueries: [LinkedWalletsDocument] });
  const { address } = useConnection();
  const names = new Map(portfolios.data?.portfolios.map((p) => [p.id, p.name]));
  const linked = data?.wallets ?? [];
  const connectedIsLinked = !!address && linked.some((w) => w.address.toLowerCase() === address.toLowerCase());
  return (
    <section className="card stack" aria-labelledby="linked-wallets">
      <h2 id="linked-wallets">Linked wallets</h2>
      {loading && !data ? (
        <Loading label="Loading linked wallets…" />
      ) : error && !data ? (
        <ErrorState message="Your linked wallets could not be loaded." onRetry={() => void refetch()} />
      ) : !linked.length ? (
        <Empty>No wallet linked. Link one to see its token balances in a portfolio.</Empty>
      ) : (
        <table className="grid" data-testid="linked-wallets">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Portfolio</th>
              <th scope="col">Balances (last read)</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {linked.map((w) => (
              <tr key={w.address} data-address={w.address}>
                <td>
                  <code>{w.address}</code>
                </td>
                <td>{names.get(w.portfolioId) ?? w.portfolioId.slice(0, 8)}</td>
                <td>{w.balances.length ? w.balances.map((b) => `${b.quantity} ${b.symbol}`).join(", ") : <span className="muted">none</span>}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      void unlink({ variables: { address: w.address } }).then(
                        () => toast("success", "Wallet unlinked"),
                        (e: unknown) => toast("error", "Could not unlink", errorMessage(e)),
                      )
                    }
                  >
                    Unlink
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {address && !connectedIsLinked && <LinkForm address={address} portfolios={portfolios.data?.portfolios ?? []} />}
    </section>
  );
}

/** Proves control of the connected wallet: the server's challenge, signed in the wallet, checked by the server. */
function LinkForm({ address, portfolios }: { address: `0x${string}`; portfolios: ReadonlyArray<{ id: string; name: string }> }) {
  const [challenge] = useWalletChallengeMutation();
  const [link] = useLinkWalletMutation({ refetchQueries: [LinkedWalletsDocument], awaitRefetchQueries: true });
  const sign = useSignMessage();
  const [step, setStep] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const portfolioId = String(new FormData(event.currentTarget).get("portfolioId") ?? "");
    if (!portfolioId) return setError("Choose the portfolio the wallet's balances count in.");
    setError(null);
    try {
      setStep("Asking the server for a challenge…");
      const { data } = await challenge({ variables: { address } });
      if (!data) return;
      setStep("Sign the message in your wallet…");
      let signature: `0x${string}`;
      try {
        signature = await sign.mutateAsync({ message: data.walletChallenge.message });
      } catch (e) {
        return setError(chainErrorMessage(e));
      }
      setStep("Linking…");
      await link({ variables: { input: { address, signature, portfolioId } } });
      toast("success", "Wallet linked", address);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setStep(null);
    }
  }

  if (!portfolios.length) return <Empty>Create a portfolio first: a linked wallet's balances count in one.</Empty>;
  return (
    <form className="row align-end" onSubmit={submit} aria-label="Link the connected wallet">
      <label className="field">
        <span>Portfolio for this wallet</span>
        <select name="portfolioId" defaultValue={portfolios[0].id}>
          {portfolios.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={step !== null}>
        {step ?? "Link this wallet"}
      </button>
      <FormError message={error} />
    </form>
  );
}
