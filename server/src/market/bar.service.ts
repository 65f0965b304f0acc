import type { DataSource } from "typeorm";
import { badUserInput } from "../infra/errors";
import { type Fixed, formatFixed, maxFixed, minFixed, parseFixed } from "../infra/fixed";
import { BarInterval, barStart, INTERVAL_MS } from "./bar-interval";
import { type BarInput, type CheckedBar, checkBars } from "./bar-validation";
import type { MarketDataService, MinuteBar } from "./market-data.service";

export interface StoredBar {
  bucket: Date;
  open: Fixed;
  high: Fixed;
  low: Fixed;
  close: Fixed;
  volume: Fixed;
}

export interface BarImportResult {
  symbol: string;
  interval: BarInterval;
  received: number;
  stored: number;
  replaced: number;
  rejected: number;
  problems: string[];
}

/** Rows per INSERT: 8 parameters a row stays well under PostgreSQL's 65,535. */
const INSERT_CHUNK = 5_000;

/**
 * Bars at every interval. MINUTE_1 bars are recorded live (MarketDataService); longer ones are
 * resampled from them on UTC boundaries. Imported bars of an interval take precedence over the
 * recorded or derived bar of the same start, and imported minute bars feed the resampling too.
 */
export class BarService {
  constructor(
    private readonly dataSource: DataSource,
    /** The live forming minute bars; none in an operator command, which records nothing live. */
    private readonly marketData: Pick<MarketDataService, "formingBar"> = { formingBar: () => undefined },
  ) {}

  /**
   * Stores the valid bars of one call and reports each refused one by its line. Idempotent per
   * symbol, interval and bar start: a re-import replaces the bar (`replaced` counts those).
   * The caller has checked that the symbol is listed.
   */
  async import(symbol: string, interval: BarInterval, bars: readonly BarInput[], parseProblems: readonly string[] = []): Promise<BarImportResult> {
    const { valid, problems } = checkBars(bars, interval);
    const allProblems = [...parseProblems, ...problems];
    let replaced = 0;
    if (valid.length > 0) {
      replaced = await this.dataSource.transaction(async (manager) => {
        const existing: Array<{ count: string }> = await manager.query(
          `SELECT count(*)::text AS count FROM imported_price_bars WHERE symbol = $1 AND bar_interval = $2 AND bucket = ANY($3::timestamptz[])`,
          [symbol, interval, valid.map((bar) => bar.bucket.toISOString())],
        );
        for (let i = 0; i < valid.length; i += INSERT_CHUNK) await upsert(manager, symbol, interval, valid.slice(i, i + INSERT_CHUNK));
        return Number(existing[0].count);
      });
    }
    return { symbol, interval, received: bars.length + parseProblems.length, stored: valid.length, replaced, rejected: allProblems.length, problems: allProblems };
  }

  /** The close of the newest imported bar of `symbol` at any interval, or null. */
  async lastImportedClose(symbol: string): Promise<string | null> {
    const rows: Array<{ close: string }> = await this.dataSource.query(
      `SELECT close FROM imported_price_bars WHERE symbol = $1 ORDER BY bucket + CASE bar_interval WHEN 'DAY_1' THEN interval '1 day' WHEN 'HOUR_1' THEN interval '1 hour' WHEN 'MINUTE_15' THEN interval '15 minutes' WHEN 'MINUTE_5' THEN interval '5 minutes' ELSE interval '1 minute' END DESC LIMIT 1`,
      [symbol],
    );
    return rows[0] ? formatFixed(parseFixed(rows[0].close)) : null;
  }

  /** Bars of `symbol` starting in [from, to), `from` taken back to its bar's start; oldest first, at most `limit`. */
  async history(symbol: string, interval: BarInterval, from: Date, to: Date, limit: number): Promise<StoredBar[]> {
    if (from >= to) throw badUserInput("from must be before to", "from");
    const since = new Date(barStart(from.getTime(), interval));
    const [target] = this.targets([symbol], since, to);
    const rows: BarRow[] = await this.dataSource.query(
      `SELECT bars.* FROM ${TARGETS} CROSS JOIN LATERAL (${barsOf(interval)}) bars ORDER BY bars.bucket`,
      parameters([target], interval, since, to, limit),
    );
    const bars = rows.map(toStoredBar);
    return target.forming ? mergeForming(bars, rows, target.forming, interval, limit) : bars;
  }

  /**
   * Closes only, as history() would give them (the live minute folded in the same way), of any
   * number of symbols in one query: analytics over ten years of fifty symbols would otherwise
   * spend most of its time in fifty round trips and in parsing opens, highs, lows and volumes it
   * never reads. Every symbol asked has an entry, empty when it has no bar in the window.
   */
  async closes(symbols: readonly string[], interval: BarInterval, from: Date, to: Date, limit: number): Promise<Map<string, CloseSeries>> {
    if (from >= to) throw badUserInput("from must be before to", "from");
    const since = new Date(barStart(from.getTime(), interval));
    const targets = this.targets([...new Set(symbols)], since, to);
    // Each symbol's bars packed by PostgreSQL into two text values (`<epoch ms>,...` and the closes
    // at the same positions, both aggregates seeing the rows in the same order): ten years of fifty
    // symbols is 130,000 bars, and one row per bar would spend most of the time parsing rows.
    // date_part's float epoch is exact for whole milliseconds and cheaper than extract's numeric;
    // trim_scale writes a close as formatFixed does, without trailing zeros.
    const rows: PackedCloses[] = await this.dataSource.query(
      `SELECT targets.symbol, packed.* FROM ${TARGETS} CROSS JOIN LATERAL (
         SELECT string_agg((date_part('epoch', bars.bucket) * 1000)::bigint::text, ',') AS times,
                string_agg(trim_scale(bars.close)::text, ',') AS closes,
                coalesce(bool_or(bars.imported AND bars.bucket = targets.forming_start), false) AS forming_held
         FROM (${barsOf(interval)}) bars) packed`,
      parameters(targets, interval, since, to, limit),
    );
    const forming = new Map(targets.map((target) => [target.symbol, target.forming]));
    return new Map(
      rows.map((row) => {
        const series = unpack(row);
        const live = forming.get(row.symbol);
        // An imported bar holding the live minute's start takes precedence over it, as in history().
        if (live && !row.forming_held) foldForming(series, live, interval, limit);
        return [row.symbol, series];
      }),
    );
  }

  /**
   * The last LAST_DAY_HOURS hours of each symbol in hourly bars, as history() would give them
   * (the current hour forming, the live minute folded in), summed up in one query for all the
   * symbols: the first bar's open, the volume traded and every hour's close. What the markets
   * table shows per row, at one row's price instead of a day of bars.
   */
  async lastDay(symbols: readonly string[], now = Date.now()): Promise<Map<string, DaySummary>> {
    const since = new Date(barStart(now, BarInterval.HOUR_1) - (LAST_DAY_HOURS - 1) * INTERVAL_MS[BarInterval.HOUR_1]);
    // Every bar starting up to now, the current hour's included: [since, now].
    const to = new Date(now + 1);
    const targets = this.targets([...new Set(symbols)], since, to);
    const rows: Array<PackedCloses & { open: string | null; volume: string }> = await this.dataSource.query(
      `SELECT targets.symbol, packed.* FROM ${TARGETS} CROSS JOIN LATERAL (
         SELECT string_agg((date_part('epoch', bars.bucket) * 1000)::bigint::text, ',') AS times,
                string_agg(trim_scale(bars.close)::text, ',') AS closes,
                (array_agg(bars.open ORDER BY bars.bucket))[1]::text AS open,
                coalesce(sum(bars.volume), 0)::text AS volume,
                coalesce(bool_or(bars.imported AND bars.bucket = targets.forming_start), false) AS forming_held
         FROM (${barsOf(BarInterval.HOUR_1)}) bars) packed`,
      parameters(targets, BarInterval.HOUR_1, since, to, LAST_DAY_HOURS),
    );
    const forming = new Map(targets.map((target) => [target.symbol, target.forming]));
    return new Map(
      rows.map((row) => {
        const series = unpack(row);
        let open = row.open === null ? null : parseFixed(row.open);
        let volume = parseFixed(row.volume);
        const live = forming.get(row.symbol);
        // As history() merges it: into its hour, or as the newest hour; an imported hour holding it wins.
        if (live && !row.forming_held) {
          foldForming(series, live, BarInterval.HOUR_1, LAST_DAY_HOURS);
          volume += live.volume;
          open ??= live.open;
        }
        return [row.symbol, { open, volume, closes: series.closes }];
      }),
    );
  }

  /** Each symbol with its live forming minute when that minute falls in [since, to). */
  private targets(symbols: readonly string[], since: Date, to: Date): Target[] {
    return symbols.map((symbol) => {
      const forming = this.marketData.formingBar(symbol);
      return { symbol, forming: forming && forming.bucket >= since.getTime() && forming.bucket < to.getTime() ? forming : undefined };
    });
  }
}

/** The hours `lastDay` covers, the current one included. */
export const LAST_DAY_HOURS = 24;

/** A symbol's last LAST_DAY_HOURS hours: the first hour's open (null without a bar), the volume traded, each hour's close (oldest first). */
export interface DaySummary {
  open: Fixed | null;
  volume: Fixed;
  closes: string[];
}

/** Closes of one symbol, oldest first: the bar start (epoch ms) and its close, exact decimal text without trailing zeros, at the same index. */
export interface CloseSeries {
  times: number[];
  closes: string[];
}

interface Target {
  symbol: string;
  forming: MinuteBar | undefined;
}

interface PackedCloses {
  symbol: string;
  times: string | null;
  closes: string | null;
  /** Whether an imported bar holds the start of the bar the live minute falls in. */
  forming_held: boolean;
}

/**
 * The symbols of one read, each with its live minute ($5) and the start of that minute's bar of
 * the interval ($6). Every read joins them laterally to `barsOf`, so each symbol's bars are still
 * read through the primary key and cut at the limit on their own, as if it were asked alone, in
 * one round trip for all of them.
 */
const TARGETS = `unnest($1::text[], $5::timestamptz[], $6::timestamptz[]) AS targets(symbol, forming, forming_start)`;

/**
 * The bars of `targets.symbol` starting in [$2, $3), oldest first, at most $4, each with
 * `imported`: an imported bar of the interval takes precedence over the one recorded or derived
 * from the minutes (imported minutes themselves taking precedence over recorded ones).
 */
function barsOf(interval: BarInterval): string {
  if (interval === BarInterval.MINUTE_1) {
    return `WITH imported AS (
         SELECT bucket, open, high, low, close, volume FROM imported_price_bars
         WHERE symbol = targets.symbol AND bar_interval = 'MINUTE_1' AND bucket >= $2 AND bucket < $3)
       SELECT bucket, open, high, low, close, volume, true AS imported FROM imported
       UNION ALL
       SELECT p.bucket, p.open, p.high, p.low, p.close, p.volume, false FROM price_bars p
       WHERE p.symbol = targets.symbol AND p.bucket >= $2 AND p.bucket < $3 AND NOT EXISTS (SELECT 1 FROM imported i WHERE i.bucket = p.bucket)
       ORDER BY bucket LIMIT $4`;
  }
  // The forming minute's flushed copy is left out: its live state is merged in afterwards. `own`
  // is inlined where it is read, so that its rows go straight from the index to the result rather
  // than through a materialized copy.
  return `WITH imported_minutes AS (
         SELECT bucket, open, high, low, close, volume FROM imported_price_bars
         WHERE symbol = targets.symbol AND bar_interval = 'MINUTE_1' AND bucket >= $2 AND bucket < $3),
       minutes AS (
         SELECT * FROM imported_minutes
         UNION ALL
         SELECT p.bucket, p.open, p.high, p.low, p.close, p.volume FROM price_bars p
         WHERE p.symbol = targets.symbol AND p.bucket >= $2 AND p.bucket < $3 AND p.bucket IS DISTINCT FROM targets.forming
           AND NOT EXISTS (SELECT 1 FROM imported_minutes i WHERE i.bucket = p.bucket)),
       derived AS (
         SELECT date_bin($7::interval, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                (array_agg(open ORDER BY bucket))[1] AS open, max(high) AS high, min(low) AS low,
                (array_agg(close ORDER BY bucket DESC))[1] AS close, sum(volume) AS volume
         FROM minutes GROUP BY 1),
       own AS NOT MATERIALIZED (
         SELECT bucket, open, high, low, close, volume FROM imported_price_bars
         WHERE symbol = targets.symbol AND bar_interval = $8 AND bucket >= $2 AND bucket < $3)
       SELECT bucket, open, high, low, close, volume, true AS imported FROM own
       UNION ALL
       SELECT d.bucket, d.open, d.high, d.low, d.close, d.volume, false FROM derived d WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.bucket = d.bucket)
       ORDER BY bucket LIMIT $4`;
}

/** The parameters of TARGETS and barsOf(interval), in their numbering. */
function parameters(targets: readonly Target[], interval: BarInterval, since: Date, to: Date, limit: number): unknown[] {
  const live = targets.map((target) => (target.forming ? new Date(target.forming.bucket) : null));
  const liveBar = targets.map((target) => (target.forming ? new Date(barStart(target.forming.bucket, interval)) : null));
  const common = [targets.map((target) => target.symbol), since, to, limit, live, liveBar];
  return interval === BarInterval.MINUTE_1 ? common : [...common, `${INTERVAL_MS[interval] / 1000} seconds`, interval];
}

/** string_agg without ORDER BY follows its subquery's order in practice, not by contract: checked, and restored if need be. */
function unpack(row: PackedCloses): CloseSeries {
  if (row.times === null || row.closes === null) return { times: [], closes: [] };
  const times = row.times.split(",").map(Number);
  const closes = row.closes.split(",");
  if (times.every((time, i) => i === 0 || times[i - 1] < time)) return { times, closes };
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  return { times: order.map((i) => times[i]), closes: order.map((i) => closes[i]) };
}

/** The live minute's close as the close of its bar: the one it falls in, or a new newest one (limit permitting), as mergeForming does. */
function foldForming(series: CloseSeries, forming: MinuteBar, interval: BarInterval, limit: number): void {
  const start = barStart(forming.bucket, interval);
  const close = formatFixed(forming.close);
  const at = series.times.indexOf(start);
  if (at >= 0) {
    series.closes[at] = close;
    return;
  }
  if (series.times.length >= limit && (series.times.at(-1) ?? 0) < start) return;
  const after = series.times.findIndex((time) => time > start);
  const index = after < 0 ? series.times.length : after;
  series.times.splice(index, 0, start);
  series.closes.splice(index, 0, close);
  series.times.splice(limit);
  series.closes.splice(limit);
}

interface BarRow {
  bucket: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  imported: boolean;
}

function toStoredBar(row: BarRow): StoredBar {
  return { bucket: new Date(row.bucket), open: parseFixed(row.open), high: parseFixed(row.high), low: parseFixed(row.low), close: parseFixed(row.close), volume: parseFixed(row.volume) };
}

/** Folds the live forming minute into its bar, unless an imported bar holds that start. */
function mergeForming(bars: StoredBar[], rows: BarRow[], forming: MinuteBar, interval: BarInterval, limit: number): StoredBar[] {
  const start = barStart(forming.bucket, interval);
  const index = bars.findIndex((bar) => bar.bucket.getTime() === start);
  if (index >= 0) {
    if (rows[index].imported) return bars;
    const bar = bars[index];
    bars[index] =
      interval === BarInterval.MINUTE_1
        ? { ...forming, bucket: bar.bucket }
        : { ...bar, high: maxFixed(bar.high, forming.high), low: minFixed(bar.low, forming.low), close: forming.close, volume: bar.volume + forming.volume };
    return bars;
  }
  // Bars are oldest first: the forming one is newer than all of them, unless the limit cut it off.
  if (bars.length >= limit && (bars.at(-1)?.bucket.getTime() ?? 0) < start) return bars;
  bars.push({ ...forming, bucket: new Date(start) });
  return bars.sort((a, b) => a.bucket.getTime() - b.bucket.getTime()).slice(0, limit);
}

async function upsert(manager: { query(sql: string, parameters: unknown[]): Promise<unknown> }, symbol: string, interval: BarInterval, bars: CheckedBar[]): Promise<void> {
  await manager.query(
    `INSERT INTO imported_price_bars (symbol, bar_interval, bucket, open, high, low, close, volume)
     SELECT $1, $2, * FROM unnest($3::timestamptz[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[])
     ON CONFLICT (symbol, bar_interval, bucket) DO UPDATE
       SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume, imported_at = now()`,
    [
      symbol,
      interval,
      bars.map((bar) => bar.bucket.toISOString()),
      bars.map((bar) => formatFixed(bar.open)),
      bars.map((bar) => formatFixed(bar.high)),
      bars.map((bar) => formatFixed(bar.low)),
      bars.map((bar) => formatFixed(bar.close)),
      bars.map((bar) => formatFixed(bar.volume)),
    ],
  );
}
