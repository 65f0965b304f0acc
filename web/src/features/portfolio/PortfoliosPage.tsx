import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { Field, FormError } from "../../components/ui/Field";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { PortfoliosDocument, usePortfoliosQuery, useCreatePortfolioMutation } from "../../gql/graphql";
import { direction, formatMoney } from "../../lib/decimal";
import { errorMessage } from "../../lib/errors";

export function PortfoliosPage() {
  const { data, loading, error, refetch } = usePortfoliosQuery({ fetchPolicy: "cache-and-network" });
  return (
    <div className="stack">
      <h1>Portfolios</h1>
      {loading && !data ? (
        <Loading label="Loading portfolios…" />
      ) : error && !data ? (
        <ErrorState message="Your portfolios could not be loaded." onRetry={() => void refetch()} />
      ) : !data?.portfolios.length ? (
        <Empty>No portfolio yet. Create one below, deposit cash, and start trading.</Empty>
      ) : (
        <table className="grid" data-testid="portfolios">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="num">Total value</th>
              <th scope="col" className="num">Cash</th>
              <th scope="col" className="num">Unrealized PnL</th>
              <th scope="col">Risk</th>
            </tr>
          </thead>
          <tbody>
            {data.portfolios.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link to={`/portfolios/${p.id}`}>{p.name}</Link>
                </th>
                <td className="num">
                  {formatMoney(p.totalValue)} {p.currency}
                </td>
                <td className="num">{formatMoney(p.cashBalance)}</td>
                <td className={`num ${direction(p.unrealizedPnl)}`}>{formatMoney(p.unrealizedPnl)}</td>
                <td>{p.riskLevel.toLowerCase()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CreatePortfolio />
    </div>
  );
}

function CreatePortfolio() {
  const navigate = useNavigate();
  const [create, { loading }] = useCreatePortfolioMutation({ refetchQueries: [PortfoliosDocument] });
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      const { data } = await create({
        variables: { input: { name: String(form.get("name")).trim(), riskLevel: form.get("riskLevel") as "MODERATE" } },
      });
      if (data) void navigate(`/portfolios/${data.createPortfolio.id}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <section className="card" aria-labelledby="new-portfolio">
      <h2 id="new-portfolio">New portfolio</h2>
      <form onSubmit={submit} className="row align-end">
        <Field label="Name" name="name" required maxLength={100} placeholder="Main" />
        <label className="field">
          <span>Risk level</span>
          <select name="riskLevel" defaultValue="MODERATE">
            <option value="CONSERVATIVE">Conservative</option>
            <option value="MODERATE">Moderate</option>
            <option value="AGGRESSIVE">Aggressive</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={loading}>
          Create
        </button>
      </form>
      <FormError message={error} />
    </section>
  );
}
