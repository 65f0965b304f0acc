import { useMemo } from "react";
import { type MarketDaysQuery, useMarketDaysQuery } from "../../gql/graphql";
import { compareDecimal, formatMoney } from "../../lib/decimal";

/** The hours a row of the markets table covers: the server sums them up per instrument (`last24Hours`). */
export const MARKET_HOURS = 24;

/** One instrument's last 24 hours as the server sums them up. */
export type Day = MarketDaysQuery["instruments"][number]["last24Hours"];

/** Every instrument's last 24 hours, loaded once per visit in one request: symbol -> its day. */
export function useMarketDays(): Map<string, Day> {
  const { data } = useMarketDaysQuery();
  // The table re-renders on every quote; the map changes only with the answer.
  return useMemo(() => new Map((data?.instruments ?? []).map((instrument) => [instrument.symbol, instrument.last24Hours])), [data]);
}

/** The change since the first hour's open (to the live last price), the volume traded and a sparkline of hourly closes. */
export function dayFigures(day: Day | undefined, last: string | null | undefined) {
  const open = day?.open ?? null;
  const now = last ?? day?.closes.at(-1) ?? null;
  // A ratio to show, not money: a float is fine here, as it is for the chart.
  const change = open && now && compareDecimal(open, "0") > 0 ? ((Number(now) - Number(open)) / Number(open)) * 100 : null;
  const volume = day && (day.closes.length > 0 || compareDecimal(day.volume, "0") > 0) ? day.volume : null;
  return { change, volume, closes: (day?.closes ?? []).map(Number) };
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
