/**
 * Display-side statistics of a performance series (the server computes every reported metric;
 * these only shape the pictures). Floats: statistics and chart coordinates, never amounts.
 */

export interface SeriesPoint {
  time: string;
  cumulativeReturn: number;
}

/** Periodic returns back from the cumulative returns: (1 + c_t) / (1 + c_{t-1}) - 1 (time-weighted for a portfolio). */
export function periodReturns(series: readonly SeriesPoint[]): Array<{ time: string; value: number }> {
  const out: Array<{ time: string; value: number }> = [];
  for (let t = 1; t < series.length; t++) out.push({ time: series[t].time, value: (1 + series[t].cumulativeReturn) / (1 + series[t - 1].cumulativeReturn) - 1 });
  return out;
}

/** Annualized sample standard deviation of the last `window` returns at every point that has them. */
export function rollingVolatility(returns: ReadonlyArray<{ time: string; value: number }>, window: number, periodsPerYear: number): Array<{ time: string; value: number }> {
  const out: Array<{ time: string; value: number }> = [];
  for (let t = window - 1; t < returns.length; t++) {
    const slice = returns.slice(t - window + 1, t + 1).map((r) => r.value);
    const mean = slice.reduce((a, b) => a + b, 0) / window;
    const variance = slice.reduce((a, b) => a + (b - mean) ** 2, 0) / (window - 1);
    out.push({ time: returns[t].time, value: Math.sqrt(variance * periodsPerYear) });
  }
  return out;
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/** Equal-width bins from the smallest to the largest return; the last bin includes its upper edge. */
export function histogram(values: readonly number[], bins: number): Bin[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = (max - min) / bins || 1;
  const out: Bin[] = Array.from({ length: bins }, (_, i) => ({ from: min + i * width, to: min + (i + 1) * width, count: 0 }));
  for (const value of values) out[Math.min(bins - 1, Math.floor((value - min) / width))].count++;
  return out;
}

type Rgb = readonly [number, number, number];
const PANEL: Rgb = [0x16, 0x1b, 0x22];
const POSITIVE: Rgb = [0x1a, 0x5f, 0xd0];
const NEGATIVE: Rgb = [0xb6, 0x23, 0x24];

/** A heat-map cell's background: the panel at 0, blue towards +1, red towards -1; white text stays readable on all of them (WCAG AA). */
export function heatColor(correlation: number): Rgb {
  const end = correlation >= 0 ? POSITIVE : NEGATIVE;
  const t = Math.min(1, Math.abs(correlation));
  return PANEL.map((c, i) => Math.round(c + (end[i] - c) * t)) as unknown as Rgb;
}

export const rgb = ([r, g, b]: Rgb) => `rgb(${r}, ${g}, ${b})`;

/** WCAG 2 contrast ratio of two colours. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const luminance = (c: Rgb) => {
    const [r, g, bl] = c.map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** A fraction as a percentage, or a dash for a figure the server could not compute. */
export const percent = (value: number | null | undefined, places = 2) => (value === null || value === undefined ? "—" : `${(value * 100).toFixed(places)}%`);
export const ratio = (value: number | null | undefined, places = 2) => (value === null || value === undefined ? "—" : value.toFixed(places));
