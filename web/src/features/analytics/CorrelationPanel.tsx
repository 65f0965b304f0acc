import { type FormEvent, useState } from "react";
import { FormError } from "../../components/ui/Field";
import { ErrorState, Loading } from "../../components/ui/States";
import { useCorrelationMatrixQuery } from "../../gql/graphql";
import { errorMessage } from "../../lib/errors";
import { CorrelationHeatMap } from "./CorrelationHeatMap";
import { type AnalysisWindow, toRange } from "./window";

/** Pick 2 or more symbols; their correlation matrix over the window, as a heat map. */
export function CorrelationPanel({ symbols, window }: { symbols: string[]; window: AnalysisWindow }) {
  const [chosen, setChosen] = useState<string[]>(() => symbols.slice(0, 4));
  const [asked, setAsked] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { from, to } = toRange(window);
  const result = useCorrelationMatrixQuery({ variables: { symbols: asked ?? [], from, to }, skip: !asked });
  const toggle = (symbol: string) => setChosen((all) => (all.includes(symbol) ? all.filter((s) => s !== symbol) : [...all, symbol]));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (chosen.length < 2) return setError("Choose at least two symbols.");
    setError(null);
    setAsked(symbols.filter((symbol) => chosen.includes(symbol)));
  }

  return (
    <section className="card stack" aria-labelledby="correlation-heading">
      <h2 id="correlation-heading">Correlation</h2>
      <form onSubmit={submit} className="stack">
        <fieldset className="row">
          <legend className="muted">Symbols</legend>
          {symbols.map((symbol) => (
            <label key={symbol} className="check">
              <input type="checkbox" checked={chosen.includes(symbol)} onChange={() => toggle(symbol)} /> {symbol}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit">Compute correlation</button>
        </div>
        <FormError message={error} />
      </form>
      {result.loading && <Loading label="Computing correlations…" />}
      {result.error && <ErrorState message={errorMessage(result.error)} />}
      {asked && result.data && <CorrelationHeatMap symbols={asked} matrix={result.data.correlationMatrix} />}
    </section>
  );
}
