import { ErrorState, Loading } from "../../components/ui/States";
import { type BacktestInput, useBacktestQuery, useInstrumentPerformanceQuery, usePortfolioPerformanceQuery } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { PerformanceView } from "./PerformanceView";
import { type AnalysisWindow, toRange } from "./window";

export type Subject = { kind: "instrument"; symbol: string } | { kind: "portfolio"; id: string; name: string } | { kind: "backtest"; input: Omit<BacktestInput, "from" | "to" | "benchmarkSymbol"> };

/** Runs the one query the subject needs and draws its report. */
export function SubjectResult({ subject, window }: { subject: Subject; window: AnalysisWindow }) {
  const range = toRange(window);
  const instrument = useInstrumentPerformanceQuery({ variables: { symbol: subject.kind === "instrument" ? subject.symbol : "", ...range }, skip: subject.kind !== "instrument" });
  const portfolio = usePortfolioPerformanceQuery({ variables: { portfolioId: subject.kind === "portfolio" ? subject.id : "", ...range }, skip: subject.kind !== "portfolio" });
  const backtest = useBacktestQuery({ variables: { input: { ...(subject.kind === "backtest" ? subject.input : { targets: [], initialValue: "0", rebalance: "NEVER" }), ...range } }, skip: subject.kind !== "backtest" });
  const active = subject.kind === "instrument" ? instrument : subject.kind === "portfolio" ? portfolio : backtest;
  const report = subject.kind === "instrument" ? instrument.data?.instrumentPerformance : subject.kind === "portfolio" ? portfolio.data?.portfolioPerformance : backtest.data?.backtest;
  const title = subject.kind === "instrument" ? subject.symbol : subject.kind === "portfolio" ? `${subject.name} (time-weighted)` : "Backtest";
  if (active.loading) return <Loading label="Computing…" />;
  if (active.error) return <ErrorState message={errorMessage(active.error)} onRetry={() => void active.refetch()} />;
  if (!report) return null;
  return <PerformanceView report={report} title={title} />;
}
