import { useState } from "react";
import { Link, useParams } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import {
  type PortfolioValuationSubscription,
  usePortfolioDetailQuery,
  usePortfolioOrderActivitySubscription,
  usePortfolioValuationSubscription,
} from "../../gql/graphql";
import { direction, formatMoney, formatPercent, formatToStep } from "../../lib/decimal";
import { AllocationEditor } from "./AllocationEditor";
import { CashForm } from "./CashForm";
import { PortfolioReturns } from "./PortfolioReturns";
import { TransactionHistory } from "./TransactionHistory";

type Valuation = PortfolioValuationSubscription["portfolioValuation"];

/** One portfolio: value and PnL live from portfolioValuation, positions refreshed on every fill. */
export function PortfolioDashboard() {
  const { id = "" } = useParams();
  const { data, loading, error, refetch } = usePortfolioDetailQuery({ variables: { id }, fetchPolicy: "cache-and-network" });
  const [live, setLive] = useState<Valuation | null>(null);
  const [activity, setActivity] = useState(0);
  const changed = () => {
    setActivity((n) => n + 1);
    void refetch();
  };
  // An analyst's read of someone else's portfolio is a snapshot: the live feeds are the owner's.
  const readOnly = data?.portfolio?.readOnly ?? true;
  usePortfolioValuationSubscription({
    variables: { portfolioId: id },
    skip: readOnly,
    onData: ({ data: event }) => {
      if (event.data) setLive(event.data.portfolioValuation);
    },
  });
  usePortfolioOrderActivitySubscription({
    variables: { portfolioId: id },
    skip: readOnly,
    onData: ({ data: event }) => {
      // A fill moves positions and cash; valuation events carry only totals.
      if (event.data?.orderUpdates.fill) changed();
    },
  });

  if (loading && !data) return <Loading label="Loading portfolio…" />;
  if (error && !data) return <ErrorState message="The portfolio could not be loaded." onRetry={() => void refetch()} />;
  const portfolio = data?.portfolio;
  if (!portfolio) return <Empty>This portfolio does not exist or is not yours.</Empty>;
  const totals = live && live.portfolioId === portfolio.id ? live : portfolio;

  return (
    <div className="stack">
      <div className="row spread">
        <h1>{portfolio.name}</h1>
        {portfolio.readOnly ? (
          <span className="badge" data-testid="read-only">
            Read-only
          </span>
        ) : (
          <Link to={`/trade?portfolio=${portfolio.id}`} className="button primary">
            Trade
          </Link>
        )}
      </div>
      <div className="kpis" data-testid="valuation">
        <Kpi label="Total value" value={totals.totalValue} currency={portfolio.currency} testId="total-value" />
        <Kpi label="Cash" value={totals.cashBalance} currency={portfolio.currency} testId="cash" />
        <Kpi label="Unrealized PnL" value={totals.unrealizedPnl} currency={portfolio.currency} tone testId="unrealized-pnl" />
        <Kpi label="Realized PnL" value={totals.realizedPnl} currency={portfolio.currency} tone testId="realized-pnl" />
      </div>
      <section aria-labelledby="returns-heading">
        <h2 id="returns-heading">Performance</h2>
        <PortfolioReturns portfolioId={portfolio.id} />
      </section>
      <section className="card" aria-labelledby="positions-heading">
        <h2 id="positions-heading">Positions</h2>
        {portfolio.positions.length === 0 ? (
          <Empty>No positions yet. Deposit cash, then buy on the trade screen.</Empty>
        ) : (
          <table className="grid" data-testid="positions">
            <thead>
              <tr>
                <th scope="col">Symbol</th>
                <th scope="col" className="num">Quantity</th>
                <th scope="col" className="num">Avg cost</th>
                <th scope="col" className="num">Price</th>
                <th scope="col" className="num">Value</th>
                <th scope="col" className="num">Unrealized</th>
                <th scope="col" className="num">Weight</th>
              </tr>
            </thead>
            <tbody>
              {portfolio.positions.map((p) => (
                <tr key={p.symbol} data-symbol={p.symbol}>
                  <th scope="row">{p.symbol}</th>
                  <td className="num" data-testid="position-quantity">{p.quantity}</td>
                  <td className="num">{formatToStep(p.averageCost, p.instrument.tickSize)}</td>
                  <td className="num">{formatToStep(p.marketPrice, p.instrument.tickSize)}</td>
                  <td className="num">{formatMoney(p.marketValue)}</td>
                  <td className={`num ${direction(p.unrealizedPnl)}`}>{formatMoney(p.unrealizedPnl)}</td>
                  <td className="num">{formatPercent(p.weight)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {/* Cash, targets and transactions are the owner's: an analyst's read offers none of them. */}
      {!portfolio.readOnly && (
        <>
          <div className="columns">
            <section className="card" aria-labelledby="cash-heading">
              <h2 id="cash-heading">Cash</h2>
              <CashForm portfolioId={portfolio.id} availableCash={portfolio.availableCash} currency={portfolio.currency} onDone={changed} />
            </section>
            <section className="card" aria-labelledby="allocation-heading">
              <h2 id="allocation-heading">Target allocation</h2>
              <AllocationEditor portfolio={portfolio} onOrdersDone={changed} />
            </section>
          </div>
          <section className="card" aria-labelledby="history-heading">
            <h2 id="history-heading">Transactions</h2>
            <TransactionHistory portfolioId={portfolio.id} version={activity} />
          </section>
        </>
      )}
    </div>
  );
}

function Kpi({ label, value, currency, tone, testId }: { label: string; value: string; currency: string; tone?: boolean; testId: string }) {
  return (
    <div className="kpi">
      <span className="muted">{label}</span>
      <strong className={tone ? direction(value) : undefined} data-testid={testId}>
        {formatMoney(value)} <small>{currency}</small>
      </strong>
    </div>
  );
}
