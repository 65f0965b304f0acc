import { type FormEvent, useState } from "react";
import { FormError } from "../../components/ui/Field";
import type { RebalanceFrequency } from "../../gql/graphql";
import { compareDecimal, isDecimal, sumDecimals } from "../../lib/decimal";
import type { Subject } from "./SubjectResult";

interface Row {
  symbol: string;
  weight: string;
}

/** Target weights (adding up to 1), an initial value and a rebalancing rhythm, simulated on daily closes. */
export function BacktestForm({ symbols, onRun }: { symbols: string[]; onRun: (subject: Subject) => void }) {
  const [rows, setRows] = useState<Row[]>(() => symbols.slice(0, 2).map((symbol) => ({ symbol, weight: "0.5" })));
  const [initialValue, setInitialValue] = useState("10000");
  const [rebalance, setRebalance] = useState<RebalanceFrequency>("MONTHLY" as RebalanceFrequency);
  const [error, setError] = useState<string | null>(null);
  const set = (i: number, patch: Partial<Row>) => setRows((all) => all.map((row, j) => (j === i ? { ...row, ...patch } : row)));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (rows.length === 0) return setError("Add at least one target.");
    if (!rows.every((row) => isDecimal(row.weight))) return setError("Every weight is a decimal such as 0.25.");
    if (compareDecimal(sumDecimals(rows.map((row) => row.weight)), "1") !== 0) return setError(`Weights add up to ${sumDecimals(rows.map((row) => row.weight))}, not 1.`);
    if (new Set(rows.map((row) => row.symbol)).size !== rows.length) return setError("Each symbol once.");
    if (!isDecimal(initialValue) || compareDecimal(initialValue, "0") <= 0) return setError("The initial value is an amount above 0.");
    setError(null);
    onRun({ kind: "backtest", input: { targets: rows, initialValue, rebalance } });
  }

  return (
    <form onSubmit={submit} className="stack" aria-labelledby="backtest-heading" data-testid="backtest-form">
      <h2 id="backtest-heading">Backtest</h2>
      {rows.map((row, i) => (
        <div className="row align-end" key={i}>
          <div className="field">
            <label htmlFor={`backtest-symbol-${i}`}>Symbol {i + 1}</label>
            <select id={`backtest-symbol-${i}`} value={row.symbol} onChange={(e) => set(i, { symbol: e.target.value })}>
              {symbols.map((symbol) => (
                <option key={symbol}>{symbol}</option>
              ))}
            </select>
          </div>
          <label className="field">
            <span>Weight {i + 1}</span>
            <input value={row.weight} inputMode="decimal" onChange={(e) => set(i, { weight: e.target.value.trim() })} />
          </label>
          <button type="button" onClick={() => setRows((all) => all.filter((_, j) => j !== i))} aria-label={`Remove ${row.symbol}`}>
            Remove
          </button>
        </div>
      ))}
      <div className="row align-end">
        <button type="button" onClick={() => setRows((all) => [...all, { symbol: symbols[0] ?? "", weight: "0" }])} disabled={symbols.length === 0}>
          Add symbol
        </button>
        <label className="field">
          <span>Initial value</span>
          <input value={initialValue} inputMode="decimal" onChange={(e) => setInitialValue(e.target.value.trim())} />
        </label>
        <div className="field">
          <label htmlFor="backtest-rebalance">Rebalance</label>
          <select id="backtest-rebalance" value={rebalance} onChange={(e) => setRebalance(e.target.value as RebalanceFrequency)}>
            <option value="NEVER">Never (buy and hold)</option>
            <option value="DAILY">Daily</option>
            <option value="WEEKLY">Weekly</option>
            <option value="MONTHLY">Monthly</option>
          </select>
        </div>
        <button type="submit" className="primary">
          Run backtest
        </button>
      </div>
      <FormError message={error} />
    </form>
  );
}
