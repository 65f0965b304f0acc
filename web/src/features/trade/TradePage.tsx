import { lazy, Suspense, useEffect, useMemo } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { Empty, ErrorState, Loading } from "../../components/ui/States";
import { ToastDock } from "../../components/ui/Toaster";
import { useTradeInstrumentsQuery, useTradePortfoliosQuery, useTradeQuoteSubscription } from "../../gql/graphql";
import { formatStepGrouped } from "../../lib/decimal";
import { AccountStrip } from "./AccountStrip";
import { Blotter } from "./Blotter";
import { MarketDataBadge } from "./MarketDataBadge";
import { OrderBook } from "./OrderBook";
import { OrderTicket } from "./OrderTicket";
import { TradesTape } from "./TradesTape";

const PriceChart = lazy(() => import("./PriceChart"));
const PORTFOLIO_KEY = "bg.trade.portfolio";

export function TradePage() {
  const { symbol: routeSymbol } = useParams();
  const [search, setSearch] = useSearchParams();
  const navigate = useNavigate();
  const instruments = useTradeInstrumentsQuery();
  const portfolios = useTradePortfoliosQuery({ fetchPolicy: "cache-and-network" });
  const list = instruments.data?.instruments ?? [];
  const instrument = list.find((i) => i.symbol === routeSymbol) ?? list[0];
  const steps = useMemo(() => Object.fromEntries((instruments.data?.instruments ?? []).map((i) => [i.symbol, { tickSize: i.tickSize, lotSize: i.lotSize }])), [instruments.data]);
  const chosen = search.get("portfolio") ?? localStorage.getItem(PORTFOLIO_KEY);
  const portfolio = portfolios.data?.portfolios.find((p) => p.id === chosen) ?? portfolios.data?.portfolios[0];

  useEffect(() => {
    if (portfolio) localStorage.setItem(PORTFOLIO_KEY, portfolio.id);
  }, [portfolio]);

  if ((instruments.loading && !instruments.data) || (portfolios.loading && !portfolios.data)) return <Loading label="Loading the market…" />;
  if (instruments.error && !instruments.data) return <ErrorState message="Instruments could not be loaded." onRetry={() => void instruments.refetch()} />;
  if (!instrument) return <Empty>No instruments are listed yet.</Empty>;

  return (
    <div className="trade">
      <div className="row spread">
        <div className="row">
          <label className="field inline">
            <span>Instrument</span>
            <select aria-label="Instrument" data-testid="instrument-picker" value={instrument.symbol} onChange={(e) => void navigate(`/trade/${e.target.value}${search.size ? `?${search}` : ""}`)}>
              {list.map((i) => (
                <option key={i.symbol} value={i.symbol}>
                  {i.symbol} · {i.name}
                </option>
              ))}
            </select>
          </label>
          <LastPrice symbol={instrument.symbol} tickSize={instrument.tickSize} fallback={instrument.lastPrice} />
          <MarketDataBadge symbol={instrument.symbol} />
        </div>
        {portfolio && (
          <label className="field inline">
            <span>Portfolio</span>
            <select aria-label="Portfolio" value={portfolio.id} onChange={(e) => setSearch({ portfolio: e.target.value })}>
              {portfolios.data?.portfolios.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {portfolio && <AccountStrip portfolioId={portfolio.id} symbol={instrument.symbol} />}
      {/* Toasts show here, in the page's flow, on this screen: over the page they would cover the blotter. */}
      <ToastDock />
      <div className="trade-grid">
        <section className="card chart-card" aria-label="Price chart">
          <Suspense fallback={<Loading label="Loading chart…" />}>
            <PriceChart symbol={instrument.symbol} />
          </Suspense>
        </section>
        <section className="card" aria-label="Order ticket">
          <h2>Order</h2>
          {portfolio ? (
            <OrderTicket key={instrument.symbol} instrument={instrument} portfolioId={portfolio.id} />
          ) : (
            <Empty>
              You need a portfolio with cash to trade. <Link to="/portfolios">Create one</Link>.
            </Empty>
          )}
        </section>
        <section className="card" aria-label="Order book">
          <h2>Book</h2>
          <OrderBook symbol={instrument.symbol} tickSize={instrument.tickSize} />
        </section>
        <section className="card" aria-label="Trades">
          <h2>Trades</h2>
          <TradesTape symbol={instrument.symbol} tickSize={instrument.tickSize} />
        </section>
      </div>
      {portfolio && <Blotter portfolioId={portfolio.id} steps={steps} />}
    </div>
  );
}

function LastPrice({ symbol, tickSize, fallback }: { symbol: string; tickSize: string; fallback: string | null }) {
  const { data } = useTradeQuoteSubscription({ variables: { symbols: [symbol] } });
  const quote = data?.quotes.symbol === symbol ? data.quotes : null;
  const last = quote?.last ?? fallback;
  return (
    <div className="last-price" data-testid="trade-last-price">
      <strong>{last ? formatStepGrouped(last, tickSize) : "—"}</strong>
      {quote && (
        <small className="muted">
          {quote.bid ? formatStepGrouped(quote.bid, tickSize) : "—"} / {quote.ask ? formatStepGrouped(quote.ask, tickSize) : "—"}
        </small>
      )}
    </div>
  );
}
