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
    const forming = this.marketData.formingBar(symbol);
    const formingIn = forming && forming.bucket >= since.getTime() && forming.bucket < to.getTime() ? forming : undefined;
    const rows = await this.rows(symbol, interval, since, to, limit, formingIn);
    const bars = rows.map(toStoredBar);
    return formingIn ? mergeForming(bars, rows, formingIn, interval, limit) : bars;
  }

  /**
   * Closes only, as history() would give them (the live minute folded in the same way): analytics
   * over ten years of fifty symbols would otherwise spend most of its time parsing opens, highs,
   * lows and volumes it never reads. Closes are exact decimal text without trailing zeros.
   */
  async closes(symbol: string, interval: BarInterval, from: Date, to: Date, limit: number): Promise<Array<{ bucket: Date; close: string }>> {
    if (from >= to) throw badUserInput("from must be before to", "from");
    const since = new Date(barStart(from.getTime(), interval));
    const forming = this.marketData.formingBar(symbol);
    const formingIn = forming && forming.bucket >= since.getTime() && forming.bucket < to.getTime() ? forming : undefined;
    const closes = await this.packedCloses(symbol, interval, since, to, limit, formingIn);
    if (!formingIn) return closes;
    // The live minute changes one bar at most (its own, or a new last one): that bar alone is read
    // whole and goes through mergeForming.
    const start = barStart(formingIn.bucket, interval);
    const at = closes.findIndex((bar) => bar.bucket.getTime() === start);
    const own = at >= 0 ? await this.rows(symbol, interval, new Date(start), new Date(start + INTERVAL_MS[interval]), 1, formingIn) : [];
    const [merged] = mergeForming(own.map(toStoredBar), own, formingIn, interval, 1);
    if (at >= 0) closes[at].close = formatFixed(merged.close);
    else if (closes.length < limit || (closes.at(-1)?.bucket.getTime() ?? 0) > start) {
      closes.push({ bucket: merged.bucket, close: formatFixed(merged.close) });
      closes.sort((a, b) => a.bucket.getTime() - b.bucket.getTime()).splice(limit);
    }
    return closes;
  }

  private rows(symbol: string, interval: BarInterval, since: Date, to: Date, limit: number, formingIn: MinuteBar | undefined): Promise<BarRow[]> {
    return interval === BarInterval.MINUTE_1 ? this.minuteRows(symbol, since, to, limit) : this.resampledRows(symbol, interval, since, to, limit, formingIn);
  }

  /**
   * The same bars as `rows`, closes only, packed by PostgreSQL into one text value
   * (`<epoch ms>=<close>,...`): ten years of fifty symbols is 130,000 bars, and one row per bar
   * would spend most of the time parsing rows rather than computing.
   */
  private async packedCloses(symbol: string, interval: BarInterval, since: Date, to: Date, limit: number, formingIn: MinuteBar | undefined): Promise<Array<{ bucket: Date; close: string }>> {
    const [sql, parameters] = interval === BarInterval.MINUTE_1 ? this.minuteQuery(symbol, since, to, limit) : this.resampledQuery(symbol, interval, since, to, limit, formingIn);
    const [row] = (await this.dataSource.query(
      // date_part's float epoch is exact for whole milliseconds and cheaper than extract's numeric;
      // the order is restored here rather than by a second sort in the aggregate.
      `SELECT string_agg((date_part('epoch', bars.bucket) * 1000)::bigint::text || '=' || bars.close::text, ',') AS packed FROM (${sql}) bars`,
      parameters,
    )) as Array<{ packed: string | null }>;
    if (!row?.packed) return [];
    const closes = row.packed.split(",").map((pair) => {
      const at = pair.indexOf("=");
      return { bucket: new Date(Number(pair.slice(0, at))), close: decimalText(pair.slice(at + 1)) };
    });
    return closes.sort((a, b) => a.bucket.getTime() - b.bucket.getTime());
  }

  private minuteRows(symbol: string, since: Date, to: Date, limit: number): Promise<BarRow[]> {
    return this.dataSource.query(...this.minuteQuery(symbol, since, to, limit));
  }

  private minuteQuery(symbol: string, since: Date, to: Date, limit: number): [string, unknown[]] {
    return [
      `WITH imported AS (
         SELECT bucket, open, high, low, close, volume FROM imported_price_bars
         WHERE symbol = $1 AND bar_interval = 'MINUTE_1' AND bucket >= $2 AND bucket < $3)
       SELECT bucket, open, high, low, close, volume, true AS imported FROM imported
       UNION ALL
       SELECT p.bucket, p.open, p.high, p.low, p.close, p.volume, false FROM price_bars p
       WHERE p.symbol = $1 AND p.bucket >= $2 AND p.bucket < $3 AND NOT EXISTS (SELECT 1 FROM imported i WHERE i.bucket = p.bucket)
       ORDER BY bucket LIMIT $4`,
      [symbol, since, to, limit],
    ];
  }

  private resampledRows(symbol: string, interval: BarInterval, since: Date, to: Date, limit: number, forming: MinuteBar | undefined): Promise<BarRow[]> {
    return this.dataSource.query(...this.resampledQuery(symbol, interval, since, to, limit, forming));
  }

  private resampledQuery(symbol: string, interval: BarInterval, since: Date, to: Date, limit: number, forming: MinuteBar | undefined): [string, unknown[]] {
    // The forming minute's flushed copy is left out: its live state is merged in afterwards.
    return [
      `WITH imported_minutes AS (
         SELECT bucket, open, high, low, close, volume FROM imported_price_bars
         WHERE symbol = $1 AND bar_interval = 'MINUTE_1' AND bucket >= $2 AND bucket < $3),
       minutes AS (
         SELECT * FROM imported_minutes
         UNION ALL
         SELECT p.bucket, p.open, p.high, p.low, p.close, p.volume FROM price_bars p
         WHERE p.symbol = $1 AND p.bucket >= $2 AND p.bucket < $3 AND p.bucket IS DISTINCT FROM $6
           AND NOT EXISTS (SELECT 1 FROM imported_minutes i WHERE i.bucket = p.bucket)),
       derived AS (
         SELECT date_bin($5::interval, bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                (array_agg(open ORDER BY bucket))[1] AS open, max(high) AS high, min(low) AS low,
                (array_agg(close ORDER BY bucket DESC))[1] AS close, sum(volume) AS volume
         FROM minutes GROUP BY 1),
       own AS (
         SELECT bucket, open, high, low, close, volume FROM imported_price_bars
         WHERE symbol = $1 AND bar_interval = $7 AND bucket >= $2 AND bucket < $3)
       SELECT bucket, open, high, low, close, volume, true AS imported FROM own
       UNION ALL
       SELECT d.bucket, d.open, d.high, d.low, d.close, d.volume, false FROM derived d WHERE NOT EXISTS (SELECT 1 FROM own o WHERE o.bucket = d.bucket)
       ORDER BY bucket LIMIT $4`,
      [symbol, since, to, limit, `${INTERVAL_MS[interval] / 1000} seconds`, forming ? new Date(forming.bucket) : null, interval],
    ];
  }
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

/** PostgreSQL's numeric text ("123.4500000000") as formatFixed writes it ("123.45"), without parsing. */
function decimalText(text: string): string {
  if (!text.includes(".")) return text;
  const trimmed = text.replace(/0+$/, "");
  return trimmed.endsWith(".") ? trimmed.slice(0, -1) : trimmed;
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
