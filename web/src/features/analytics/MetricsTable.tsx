import type { PerformanceFieldsFragment } from "../../gql/graphql";
import { percent, ratio } from "./analytics-math";

type Metrics = PerformanceFieldsFragment["metrics"];

const ROWS: Array<{ label: string; key: keyof Omit<Metrics, "__typename">; format: (x: number | null) => string; hint: string }> = [
  { label: "Total return", key: "totalReturn", format: percent, hint: "prod(1 + r) - 1" },
  { label: "Annualized return", key: "annualizedReturn", format: percent, hint: "(1 + total)^(P / n) - 1" },
  { label: "Volatility", key: "volatility", format: percent, hint: "sample stdev × √P" },
  { label: "Sharpe ratio", key: "sharpeRatio", format: ratio, hint: "mean excess / stdev × √P" },
  { label: "Sortino ratio", key: "sortinoRatio", format: ratio, hint: "mean excess / downside deviation × √P" },
  { label: "Max drawdown", key: "maxDrawdown", format: percent, hint: "largest fall from a peak" },
  { label: "Calmar ratio", key: "calmarRatio", format: ratio, hint: "annualized return / max drawdown" },
  { label: "Value at risk (95%)", key: "valueAtRisk95", format: percent, hint: "-5% quantile of returns" },
  { label: "Expected shortfall (95%)", key: "expectedShortfall95", format: percent, hint: "-mean of returns at or below it" },
  { label: "Beta", key: "beta", format: ratio, hint: "against the benchmark" },
  { label: "Alpha (annual)", key: "alpha", format: percent, hint: "against the benchmark" },
  { label: "Correlation", key: "correlation", format: ratio, hint: "with the benchmark" },
];

/** Every metric of a report, with its definition; a dash where the server could not compute it. */
export function MetricsTable({ metrics, benchmark }: { metrics: Metrics; benchmark: string | null }) {
  return (
    <table className="grid" data-testid="metrics">
      <caption className="muted">
        {metrics.observations} daily returns{benchmark ? `, against ${benchmark}` : ", no benchmark"}
      </caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col" className="num">Value</th>
          <th scope="col">Definition</th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map((row) => (
          <tr key={row.key} data-metric={row.key}>
            <th scope="row">{row.label}</th>
            <td className="num">{row.format(metrics[row.key] as number | null)}</td>
            <td className="muted">{row.hint}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
