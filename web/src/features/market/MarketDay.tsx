import { useMemo } from "react";
import { useMarketDayQuery } from "../../gql/graphql";
import { compareDecimal, formatMoney, sumDecimals } from "../../lib/decimal";

const HOUR_MS = 60 * 60 * 1000;
/** The hours a row of the markets table covers: twelve hourly bars each, for fourteen or so instruments, stay within a third of the rate-limit budget. */
export const MARKET_HOURS = 12;

/**
 * The last 12 hours of an instrument: hourly bars loaded once per visit (the current one forming),
 * for the change since the first bar's open (to the live last price), the volume traded and a
 * sparkline of closes.
 */
export function useMarketDay(symbol: string, last: string | null | undefined) {
  // Fixed for the visit: a new `from` on every render would be a new query every render.
  const from = useMemo(() => new Date((Math.floor(Date.now() / HOUR_MS) - (MARKET_HOURS - 1)) * HOUR_MS).toISOString(), []);
  const { data } = useMarketDayQuery({ variables: { symbol, from } });
  const bars = data?.priceHistory ?? [];
  const open = bars[0]?.open ?? null;
  const now = last ?? bars.at(-1)?.close ?? null;
  // A ratio to show, not money: a float is fine here, as it is for the chart.
  const change = open && now && compareDecimal(open, "0") > 0 ? ((Number(now) - Number(open)) / Number(open)) * 100 : null;
  const volume = bars.length ? sumDecimals(bars.map((b) => b.volume)) : null;
  return { change, volume, closes: bars.map((b) => Number(b.close)), loaded: data !== undefined };
}

export function ChangePercent({ change }: { change: number | null }) {
  if (change === null) return <>—</>;
  const rounded = Math.round(change * 100) / 100;
  const cls = rounded > 0 ? "up" : rounded < 0 ? "down" : "muted";
  return <span className={cls}>{`${rounded > 0 ? "+" : rounded < 0 ? "−" : ""}${Math.abs(rounded).toFixed(2)}%`}</span>;
}

export const formatVolume = (volume: string | null) => (volume === null ? "—" : formatMoney(volume, Math.min(4, (volume.split(".")[1] ?? "").length)));

/** Closes drawn to fit a small box: the shape of the day, not its numbers. */
export function Sparkline({ closes, label }: { closes: readonly number[]; label: string }) {
  const width = 96;
  const height = 28;
  if (closes.length < 2) return <span className="muted">—</span>;
  const min = Math.min(...closes);
  const max = Math.max(...closes);
  const span = max - min || 1;
  const points = closes.map((c, i) => `${((i / (closes.length - 1)) * width).toFixed(1)},${(height - 2 - ((c - min) / span) * (height - 4)).toFixed(1)}`).join(" ");
  const trend = closes.at(-1)! > closes[0] ? "up" : closes.at(-1)! < closes[0] ? "down" : "flat";
  return (
    <svg className={`sparkline ${trend}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline points={points} />
    </svg>
  );
}
