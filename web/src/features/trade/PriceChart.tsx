import { CandlestickSeries, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { useEffect, useMemo, useRef } from "react";
import { ErrorState, Loading } from "../../components/ui/States";
import { type PriceHistoryQuery, usePriceHistoryQuery, useTradeQuoteSubscription, useTradesTapeSubscription } from "../../gql/graphql";

type Bar = PriceHistoryQuery["priceHistory"][number];
interface Candle {
  time: UTCTimestamp;
  open: number;
  high: number;
  low: number;
  close: number;
}

const HOUR_MS = 3_600_000;
const CHART_HOURS = 2;
const minuteOf = (iso: string) => (Math.floor(Date.parse(iso) / 60_000) * 60) as UTCTimestamp;
// The chart library draws with numbers; these are display coordinates, never amounts.
const candle = (bar: Bar): Candle => ({ time: minuteOf(bar.time), open: Number(bar.open), high: Number(bar.high), low: Number(bar.low), close: Number(bar.close) });

/**
 * One-minute candles: the last hours from priceHistory, then the forming candle moved by every
 * trade and quote. Lazy-loaded: lightweight-charts stays out of the first screen's bundle.
 */
export default function PriceChart({ symbol }: { symbol: string }) {
  // Two hours of one-minute candles: what the panel shows, and a row of the rate-limit budget each.
  const from = useMemo(() => new Date(Date.now() - CHART_HOURS * HOUR_MS).toISOString(), [symbol]);
  const { data, loading, error, refetch } = usePriceHistoryQuery({ variables: { symbol, from, limit: CHART_HOURS * 60 }, fetchPolicy: "network-only" });
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const series = useRef<ISeriesApi<"Candlestick"> | null>(null);
  const last = useRef<Candle | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const instance = createChart(container.current, {
      autoSize: true,
      layout: { background: { color: "transparent" }, textColor: "#8b949e" },
      grid: { vertLines: { color: "#1f252e" }, horzLines: { color: "#1f252e" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    chart.current = instance;
    series.current = instance.addSeries(CandlestickSeries, { upColor: "#3fb950", downColor: "#f85149", wickUpColor: "#3fb950", wickDownColor: "#f85149", borderVisible: false });
    return () => {
      instance.remove();
      chart.current = null;
      series.current = null;
    };
  }, []);

  useEffect(() => {
    if (!data || !series.current) return;
    const candles = data.priceHistory.map(candle);
    series.current.setData(candles);
    last.current = candles[candles.length - 1] ?? null;
    chart.current?.timeScale().fitContent();
  }, [data]);

  const tick = (price: string, at: string) => {
    if (!series.current || !data) return;
    const value = Number(price);
    const time = minuteOf(at);
    const current = last.current;
    if (current && time < current.time) return;
    const next: Candle =
      current && current.time === time
        ? { ...current, high: Math.max(current.high, value), low: Math.min(current.low, value), close: value }
        : { time, open: current?.close ?? value, high: Math.max(value, current?.close ?? value), low: Math.min(value, current?.close ?? value), close: value };
    last.current = next;
    series.current.update(next);
  };
  useTradesTapeSubscription({ variables: { symbol }, onData: ({ data: event }) => event.data && tick(event.data.trades.price, event.data.trades.executedAt) });
  useTradeQuoteSubscription({ variables: { symbols: [symbol] }, onData: ({ data: event }) => event.data && tick(event.data.quotes.last, event.data.quotes.timestamp) });

  return (
    <div className="chart-wrap" data-testid="price-chart">
      <div ref={container} className="chart" />
      {loading && !data && <Loading label="Loading price history…" />}
      {error && <ErrorState message="Price history could not be loaded." onRetry={() => void refetch()} />}
      {data && data.priceHistory.length === 0 && <p className="state chart-empty">No trades in the last hours; the chart fills as prices arrive.</p>}
    </div>
  );
}
