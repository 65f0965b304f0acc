import { Component, lazy, type ReactNode, Suspense, useMemo } from "react";
import { Loading } from "../../components/ui/States";
import type { PerformanceFieldsFragment } from "../../gql/graphql";
import { formatMoney } from "../../lib/decimal";
import { percent, periodReturns, rollingVolatility } from "./analytics-math";
import { MetricsTable } from "./MetricsTable";
import { ReturnHistogram } from "./ReturnHistogram";

const EquityChart = lazy(() => import("./charts").then((m) => ({ default: m.EquityChart })));
const LineChart = lazy(() => import("./charts").then((m) => ({ default: m.LineChart })));

/** Rolling window of the volatility chart: about a trading month. */
const ROLLING = 21;

/** A report drawn: equity curve over drawdown, metrics, rolling volatility and the return histogram. */
export function PerformanceView({ report, title }: { report: PerformanceFieldsFragment; title: string }) {
  const { equity, drawdown, returns, rolling } = useMemo(() => {
    const returns = periodReturns(report.series);
    return {
      equity: report.series.map((p) => ({ time: p.time, value: 1 + p.cumulativeReturn })),
      drawdown: report.series.map((p) => ({ time: p.time, value: p.drawdown })),
      returns,
      rolling: rollingVolatility(returns, Math.min(ROLLING, Math.max(2, returns.length)), report.periodsPerYear),
    };
  }, [report]);
  const m = report.metrics;
  return (
    <div className="stack" data-testid="performance">
      <section className="card" aria-labelledby="equity-heading">
        <h2 id="equity-heading">{title}: equity curve and drawdown</h2>
        <p className="muted" data-testid="performance-summary">
          {formatMoney(report.startValue)} to {formatMoney(report.endValue)}, {report.series.length} days; total return {percent(m.totalReturn)}, max drawdown {percent(m.maxDrawdown)}
        </p>
        {report.series.length < 2 ? (
          <p className="state state-empty">One day only: the curve needs at least two.</p>
        ) : (
          <ChartSlot>
            <EquityChart equity={equity} drawdown={drawdown} label={`Equity curve (growth of 1) from ${report.series[0].time.slice(0, 10)} with drawdown underneath; total return ${percent(m.totalReturn)}, max drawdown ${percent(m.maxDrawdown)}`} />
          </ChartSlot>
        )}
      </section>
      <div className="columns">
        <section className="card" aria-labelledby="metrics-heading">
          <h2 id="metrics-heading">Metrics</h2>
          <MetricsTable metrics={m} benchmark={report.benchmarkSymbol ?? null} />
        </section>
        <div className="stack">
          <section className="card" aria-labelledby="rolling-heading">
            <h2 id="rolling-heading">Rolling volatility ({Math.min(ROLLING, Math.max(2, returns.length))} days, annualized)</h2>
            {rolling.length < 2 ? (
              <p className="state state-empty">Too few returns for a rolling volatility.</p>
            ) : (
              <ChartSlot>
                <LineChart points={rolling} testId="rolling-volatility" label={`Rolling volatility, latest ${percent(rolling.at(-1)!.value)}`} />
              </ChartSlot>
            )}
          </section>
          <section className="card" aria-labelledby="histogram-heading">
            <h2 id="histogram-heading">Daily returns</h2>
            <ReturnHistogram returns={returns.map((r) => r.value)} />
          </section>
        </div>
      </div>
    </div>
  );
}

/** The chart library sizes its canvas with ResizeObserver and matchMedia: without them it cannot draw. */
const canDraw = () => typeof ResizeObserver === "function" && typeof globalThis.matchMedia === "function";

/** Charts draw on a canvas; where there is none (an old browser, a test DOM) the figures above and beside still tell. */
class ChartSlot extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (this.state.failed || !canDraw()) return <p className="state">The chart could not be drawn here; the figures are in the table.</p>;
    return <Suspense fallback={<Loading label="Loading chart…" />}>{this.props.children}</Suspense>;
  }
}
