import { type FormEvent, useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { useAnalyticsInstrumentsQuery } from "../../gql/graphql";
import { BacktestForm } from "./BacktestForm";
import { CorrelationPanel } from "./CorrelationPanel";
import { PortfolioList } from "./PortfolioList";
import { type Subject, SubjectResult } from "./SubjectResult";
import { type AnalysisWindow, defaultWindow } from "./window";

/**
 * The analyst's screen: an instrument's, a portfolio's (time-weighted) or a backtest's
 * performance over a window against an optional benchmark, correlations, and every portfolio
 * (read-only). Reads only: nothing here moves money.
 */
export function AnalyticsPage() {
  const instruments = useAnalyticsInstrumentsQuery();
  const [window, setWindow] = useState<AnalysisWindow>(() => defaultWindow());
  const [subject, setSubject] = useState<Subject | null>(null);
  const [asked, setAsked] = useState<AnalysisWindow>(window);
  const run = (next: Subject) => {
    setAsked(window);
    setSubject(next);
  };

  if (instruments.loading && !instruments.data) return <Loading label="Loading instruments…" />;
  if (instruments.error && !instruments.data) return <ErrorState message="The instruments could not be loaded." onRetry={() => void instruments.refetch()} />;
  const symbols = instruments.data!.instruments.map((i) => i.symbol);

  function analyse(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run({ kind: "instrument", symbol: String(new FormData(event.currentTarget).get("symbol")) });
  }

  return (
    <div className="stack">
      <h1>Analytics</h1>
      {/* A date input holds "" while a date is half typed: the window keeps its last whole date. */}
      <section className="card" aria-labelledby="window-heading">
        <h2 id="window-heading">Window and benchmark</h2>
        <div className="row align-end">
          <label className="field">
            <span>From</span>
            <input type="date" value={window.from} max={window.to} onChange={(e) => e.target.value && setWindow({ ...window, from: e.target.value })} required />
          </label>
          <label className="field">
            <span>To</span>
            <input type="date" value={window.to} min={window.from} onChange={(e) => e.target.value && setWindow({ ...window, to: e.target.value })} required />
          </label>
          {/* Selects are labelled by id: a wrapping label would take every option's text into its name. */}
          <div className="field">
            <label htmlFor="analytics-benchmark">Benchmark</label>
            <select id="analytics-benchmark" value={window.benchmark} onChange={(e) => setWindow({ ...window, benchmark: e.target.value })}>
              <option value="">None</option>
              {symbols.map((symbol) => (
                <option key={symbol}>{symbol}</option>
              ))}
            </select>
          </div>
        </div>
      </section>
      <div className="columns">
        <section className="card" aria-labelledby="instrument-heading">
          <h2 id="instrument-heading">Instrument</h2>
          <form onSubmit={analyse} className="row align-end">
            <div className="field">
              <label htmlFor="analytics-symbol">Symbol</label>
              <select id="analytics-symbol" name="symbol" defaultValue={symbols[0]}>
                {symbols.map((symbol) => (
                  <option key={symbol}>{symbol}</option>
                ))}
              </select>
            </div>
            <button type="submit" className="primary">
              Analyse
            </button>
          </form>
        </section>
        <section className="card">
          <BacktestForm symbols={symbols} onRun={run} />
        </section>
      </div>
      {subject ? <SubjectResult subject={subject} window={asked} /> : <Empty>Choose an instrument, a portfolio below or a backtest: its performance appears here.</Empty>}
      <CorrelationPanel symbols={symbols} window={window} />
      <section className="card" aria-labelledby="portfolios-heading">
        <h2 id="portfolios-heading">Portfolios (read-only)</h2>
        <PortfolioList onAnalyse={run} />
      </section>
    </div>
  );
}
