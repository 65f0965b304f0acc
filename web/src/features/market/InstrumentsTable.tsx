import { useState } from "react";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { type QuotesSubscription, useInstrumentsQuery, useQuotesSubscription } from "../../gql/graphql";
import { formatToStep } from "../../lib/decimal";

type LiveQuote = QuotesSubscription["quotes"];

const ASSET_CLASS_LABELS: Record<string, string> = { EQUITY: "Equity", CRYPTO: "Crypto", TOKENIZED: "Tokenized" };

/** Every listed instrument with its tick and lot, and prices that move as quotes arrive. */
export function InstrumentsTable() {
  const { data, loading, error, refetch } = useInstrumentsQuery();
  const symbols = data?.instruments.map((instrument) => instrument.symbol) ?? [];
  const [quotes, setQuotes] = useState<Record<string, LiveQuote>>({});
  useQuotesSubscription({
    variables: { symbols },
    skip: symbols.length === 0,
    onData: ({ data: event }) => {
      const quote = event.data?.quotes;
      if (quote) setQuotes((previous) => ({ ...previous, [quote.symbol]: quote }));
    },
  });

  if (loading && !data) return <Loading label="Loading instruments…" />;
  if (error) return <ErrorState message="Instruments could not be loaded." onRetry={() => void refetch()} />;
  if (!data || data.instruments.length === 0) return <Empty>No instruments are listed yet.</Empty>;

  return (
    <table className="grid" data-testid="instruments">
      <thead>
        <tr>
          <th scope="col">Symbol</th>
          <th scope="col">Name</th>
          <th scope="col">Class</th>
          <th scope="col" className="num">Bid</th>
          <th scope="col" className="num">Ask</th>
          <th scope="col" className="num">Last</th>
          <th scope="col" className="num">Tick</th>
          <th scope="col" className="num">Lot</th>
        </tr>
      </thead>
      <tbody>
        {data.instruments.map((instrument) => {
          const quote = quotes[instrument.symbol];
          const price = (value: string | null | undefined) => (value ? formatToStep(value, instrument.tickSize) : "—");
          return (
            <tr key={instrument.symbol} data-symbol={instrument.symbol}>
              <th scope="row">{instrument.symbol}</th>
              <td>{instrument.name}</td>
              <td>{ASSET_CLASS_LABELS[instrument.assetClass] ?? instrument.assetClass}</td>
              <td className="num">{price(quote?.bid)}</td>
              <td className="num">{price(quote?.ask)}</td>
              <td className="num" data-testid="last-price">
                {price(quote?.last ?? instrument.lastPrice)}
              </td>
              <td className="num">{instrument.tickSize}</td>
              <td className="num">{instrument.lotSize}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
