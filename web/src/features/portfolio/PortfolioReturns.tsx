import { useMemo } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { usePortfolioReturnsQuery } from "../../gql/graphql";
import { errorCode } from "../../lib/errors";

const DAY_MS = 86_400_000;

const percent = (value: number | null | undefined) => (value === null || value === undefined ? "—" : `${value >= 0 ? "+" : ""}${(value * 100).toFixed(2)}%`);
const tone = (value: number | null | undefined) => (value === null || value === undefined || value === 0 ? "flat" : value > 0 ? "up" : "down");

/**
 * Time-weighted performance over the last year and the day change, from the server's daily
 * values (each day's last snapshot): deposits and withdrawals move the value, not the return.
 */
export function PortfolioReturns({ portfolioId }: { portfolioId: string }) {
  const window = useMemo(() => {
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    return { from: new Date(today - 365 * DAY_MS).toISOString(), to: new Date(today + DAY_MS).toISOString() };
  }, []);
  const { data, loading, error, refetch } = usePortfolioReturnsQuery({ variables: { portfolioId, ...window }, fetchPolicy: "cache-and-network" });
  if (loading && !data) return <Loading label="Loading performance…" />;
  // A portfolio valued on no day yet has no series: the server says so with BAD_USER_INPUT.
  if (error && !data && errorCode(error) === "BAD_USER_INPUT") return <Empty>No daily value yet: performance shows from the first day this portfolio is valued.</Empty>;
  if (error && !data) return <ErrorState message="Performance could not be loaded." onRetry={() => void refetch()} />;
  const report = data!.portfolioPerformance;
  const series = report.series;
  const [before, last] = [series.at(-2), series.at(-1)];
  const dayChange = before && last ? (1 + last.cumulativeReturn) / (1 + before.cumulativeReturn) - 1 : null;
  return (
    <dl className="kpis" data-testid="portfolio-returns">
      <div className="kpi">
        <dt className="muted">Time-weighted return, since {series[0].time.slice(0, 10)}</dt>
        <dd className={tone(report.metrics.totalReturn)} data-testid="twr">
          <strong>{percent(report.metrics.totalReturn)}</strong>
        </dd>
      </div>
      <div className="kpi">
        <dt className="muted">Day change (time-weighted)</dt>
        <dd className={tone(dayChange)} data-testid="day-change">
          <strong>{percent(dayChange)}</strong>
        </dd>
      </div>
      <div className="kpi">
        <dt className="muted">Volatility (annualized)</dt>
        <dd data-testid="twr-volatility">
          <strong>{report.metrics.volatility === null ? "—" : `${(report.metrics.volatility * 100).toFixed(2)}%`}</strong>
        </dd>
      </div>
      <div className="kpi">
        <dt className="muted">Max drawdown</dt>
        <dd data-testid="twr-drawdown">
          <strong>{`${(report.metrics.maxDrawdown * 100).toFixed(2)}%`}</strong>
        </dd>
      </div>
    </dl>
  );
}
