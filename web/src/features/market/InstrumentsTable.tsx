import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { type InstrumentsQuery, type QuotesSubscription, useInstrumentsQuery, useQuotesSubscription } from "../../gql/graphql";
import { formatStepGrouped } from "../../lib/decimal";
import { ChangePercent, type Day, dayFigures, formatVolume, MARKET_HOURS, Sparkline, useMarketDays } from "./MarketDay";

type LiveQuote = QuotesSubscription["quotes"];
type Listed = InstrumentsQuery["instruments"][number];

const ASSET_CLASS_LABELS: Record<string, string> = { EQUITY: "Equity", CRYPTO: "Crypto", TOKENIZED: "Tokenized" };

/** Every listed instrument with prices that move as quotes arrive, its day (change, volume, sparkline); a row opens its trade screen. */
export function InstrumentsTable() {
  const { data, loading, error, refetch } = useInstrumentsQuery();
  const symbols = data?.instruments.map((instrument) => instrument.symbol) ?? [];
  const days = useMarketDays();
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
    <div className="table-scroll">
      <table className="grid" data-testid="instruments">
        <thead>
          <tr>
            <th scope="col">Symbol</th>
            <th scope="col">Name</th>
            <th scope="col">Class</th>
            <th scope="col" className="num">Bid</th>
            <th scope="col" className="num">Ask</th>
            <th scope="col" className="num">Last</th>
            <th scope="col" className="num">{MARKET_HOURS}h change</th>
            <th scope="col" className="num">{MARKET_HOURS}h volume</th>
            <th scope="col">{MARKET_HOURS}h</th>
            <th scope="col" className="num">Tick</th>
            <th scope="col" className="num">Lot</th>
          </tr>
        </thead>
        <tbody>
          {data.instruments.map((instrument) => (
            <InstrumentRow key={instrument.symbol} instrument={instrument} quote={quotes[instrument.symbol]} day={days.get(instrument.symbol)} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function InstrumentRow({ instrument, quote, day: summary }: { instrument: Listed; quote: LiveQuote | undefined; day: Day | undefined }) {
  const navigate = useNavigate();
  const price = (value: string | null | undefined) => (value ? formatStepGrouped(value, instrument.tickSize) : "—");
  const last = quote?.last ?? instrument.lastPrice;
  const day = dayFigures(summary, last);
  const trade = `/trade/${instrument.symbol}`;
  return (
    // The whole row opens the trade screen for the mouse; the symbol is the link for keyboards and screen readers.
    <tr data-symbol={instrument.symbol} className="clickable" onClick={() => void navigate(trade)}>
      <th scope="row">
        <Link to={trade} aria-label={`Trade ${instrument.symbol}`} onClick={(e) => e.stopPropagation()}>
          {instrument.symbol}
        </Link>
      </th>
      <td>{instrument.name}</td>
      <td>{ASSET_CLASS_LABELS[instrument.assetClass] ?? instrument.assetClass}</td>
      <td className="num">{price(quote?.bid)}</td>
      <td className="num">{price(quote?.ask)}</td>
      <td className="num" data-testid="last-price">
        {price(last)}
      </td>
      <td className="num" data-testid="change">
        <ChangePercent change={day.change} />
      </td>
      <td className="num" data-testid="volume">
        {formatVolume(day.volume)}
      </td>
      <td>
        <Sparkline closes={day.closes} label={`${instrument.symbol} over the last ${MARKET_HOURS} hours`} />
      </td>
      <td className="num">{instrument.tickSize}</td>
      <td className="num">{instrument.lotSize}</td>
    </tr>
  );
}
