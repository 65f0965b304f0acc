import { IdMap } from "./id-map";
import type { Side, SubmitCommand } from "./types";

/** A trailing stop waiting for its trigger. */
export interface TrailingStop {
  command: SubmitCommand;
  /** Acceptance order, shared with plain stops: triggered stops run in this order. */
  arrival: number;
  /** Highest trade since acceptance (sell) or lowest (buy), in ticks. */
  mark: number;
}

/**
 * The stop price a mark gives, rounded to the tick away from the market: a sell stop trails
 * below the mark (rounded down), a buy stop above it (rounded up).
 */
export function trailingStopPrice(side: Side, mark: number, trailAmount: number | undefined, trailBps: number | undefined): number {
  if (trailAmount !== undefined) return side === "SELL" ? mark - trailAmount : mark + trailAmount;
  const bps = trailBps!;
  return side === "SELL" ? Math.floor((mark * (10_000 - bps)) / 10_000) : Math.ceil((mark * (10_000 + bps)) / 10_000);
}

const isTriggered = (side: Side, last: number, stop: number) => (side === "SELL" ? last <= stop : last >= stop);

/** Storage of waiting trailing stops: two implementations, one obviously right, one fast. */
export interface TrailingStops {
  readonly size: number;
  add(stop: TrailingStop): void;
  get(id: number): TrailingStop | undefined;
  remove(id: number): void;
  /** A trade printed at `price`: marks follow it (up for sells, down for buys). */
  trade(price: number): void;
  /** The earliest-accepted stop that `last` triggers. */
  firstTriggered(last: number): TrailingStop | undefined;
  all(): TrailingStop[];
}

/** Every stop keeps its own mark and is looked at on every trade: slow, plainly right. */
export class ReferenceTrailingStops implements TrailingStops {
  private readonly stops = new Map<number, TrailingStop>();

  get size(): number {
    return this.stops.size;
  }

  add(stop: TrailingStop): void {
    this.stops.set(stop.command.id, { ...stop });
  }

  get(id: number): TrailingStop | undefined {
    return this.stops.get(id);
  }

  remove(id: number): void {
    this.stops.delete(id);
  }

  trade(price: number): void {
    for (const stop of this.stops.values()) {
      stop.mark = stop.command.side === "SELL" ? Math.max(stop.mark, price) : Math.min(stop.mark, price);
    }
  }

  firstTriggered(last: number): TrailingStop | undefined {
    let first: TrailingStop | undefined;
    for (const stop of this.stops.values()) {
      const { side, trailAmount, trailBps } = stop.command;
      if (isTriggered(side, last, trailingStopPrice(side, stop.mark, trailAmount, trailBps)) && (!first || stop.arrival < first.arrival)) first = stop;
    }
    return first;
  }

  all(): TrailingStop[] {
    return [...this.stops.values()].sort((a, b) => a.arrival - b.arrival);
  }
}

/** Stops that share a mark. Once a trade passes a bucket's mark, the bucket joins the trade's. */
interface Bucket {
  mark: number;
  members: Held[];
  /** Lower bounds of the members' trails (exact after a scan): the tightest stop of the bucket. */
  minAmount: number;
  minBps: number;
}

/** A waiting stop as the fast store keeps it: with where it sits, so removing it needs no search. */
interface Held extends TrailingStop {
  bucket: Bucket;
  /** Its index in the bucket's members. */
  position: number;
}

/**
 * One side's buckets, and two bounds kept loose but safe (a removal leaves them as they were),
 * made exact again whenever the buckets are walked anyway.
 */
interface SideStops {
  side: Side;
  buckets: Map<number, Bucket>;
  /** No mark is on the far side of it (sell: at or below every mark): a trade that does not pass it moves no bucket. */
  markBound: number;
  /** No stop price is on the far side of it (sell: at or above every stop): a price that does not reach it triggers nothing. */
  stopBound: number;
}

/**
 * The fast store. Stops of one side whose marks are equal share a bucket, and a trade moves
 * whole buckets (every mark it passes becomes the trade's price), so a trade costs one look
 * per bucket (per distinct mark, few), not per stop. A bucket knows its tightest trail, so it
 * can say without a scan that none of its members triggers; it is scanned only when one does.
 * A side knows its outermost mark and tightest stop, so a trade that passes no mark, and a look
 * that triggers nothing, cost one comparison. Buckets merge small into large, so a stop moves
 * O(log n) times in all.
 */
export class FastTrailingStops implements TrailingStops {
  private readonly index = new IdMap<Held>();
  private readonly sells: SideStops = { side: "SELL", buckets: new Map(), markBound: Infinity, stopBound: -Infinity };
  private readonly buys: SideStops = { side: "BUY", buckets: new Map(), markBound: -Infinity, stopBound: Infinity };

  get size(): number {
    return this.index.size;
  }

  add(stop: TrailingStop): void {
    const stops = this.sideOf(stop.command.side);
    let bucket = stops.buckets.get(stop.mark);
    if (!bucket) stops.buckets.set(stop.mark, (bucket = { mark: stop.mark, members: [], minAmount: Infinity, minBps: Infinity }));
    const held: Held = { command: stop.command, arrival: stop.arrival, mark: stop.mark, bucket, position: 0 };
    this.index.set(stop.command.id, held);
    this.join(bucket, held);
    stops.markBound = outer(stops.side, stops.markBound, stop.mark);
    stops.stopBound = inner(stops.side, stops.stopBound, tightest(stops.side, bucket));
  }

  get(id: number): TrailingStop | undefined {
    const held = this.index.get(id);
    if (!held) return undefined;
    held.mark = held.bucket.mark;
    return held;
  }

  remove(id: number): void {
    const held = this.index.get(id);
    if (!held) return;
    const { bucket, position } = held;
    const last = bucket.members.pop()!;
    if (last !== held) {
      bucket.members[position] = last;
      last.position = position;
    }
    this.index.delete(id);
    if (bucket.members.length === 0) this.sideOf(held.command.side).buckets.delete(bucket.mark);
  }

  trade(price: number): void {
    this.follow(this.sells, price);
    this.follow(this.buys, price);
  }

  firstTriggered(last: number): TrailingStop | undefined {
    const sell = this.triggeredOn(this.sells, last);
    const buy = this.triggeredOn(this.buys, last);
    const first = sell && buy ? (sell.arrival < buy.arrival ? sell : buy) : (sell ?? buy);
    if (first) first.mark = first.bucket.mark;
    return first;
  }

  all(): TrailingStop[] {
    return [...this.index.values()].map(({ command, arrival, bucket }) => ({ command, arrival, mark: bucket.mark })).sort((a, b) => a.arrival - b.arrival);
  }

  private sideOf(side: Side): SideStops {
    return side === "SELL" ? this.sells : this.buys;
  }

  /** Every bucket the trade passed takes the trade's price as its mark, merged into one. */
  private follow(stops: SideStops, price: number): void {
    const { side, buckets } = stops;
    if (!passes(side, price, stops.markBound)) return;
    let target: Bucket | undefined;
    let markBound = side === "SELL" ? Infinity : -Infinity;
    // Deleting the entry being visited is safe in a Map's iteration; the merged bucket is set after.
    for (const bucket of buckets.values()) {
      if (!passes(side, price, bucket.mark)) {
        markBound = outer(side, markBound, bucket.mark);
        continue;
      }
      buckets.delete(bucket.mark);
      target = target ? this.merge(target, bucket) : bucket;
    }
    stops.markBound = markBound;
    if (!target) return;
    const existing = buckets.get(price);
    if (existing) target = this.merge(existing, target);
    target.mark = price;
    buckets.set(price, target);
    stops.markBound = outer(side, markBound, price);
    stops.stopBound = inner(side, stops.stopBound, tightest(side, target));
  }

  /** The earliest-accepted stop of one side that `last` triggers. */
  private triggeredOn(stops: SideStops, last: number): Held | undefined {
    const side = stops.side;
    if (!isTriggered(side, last, stops.stopBound)) return undefined;
    let first: Held | undefined;
    let stopBound = side === "SELL" ? -Infinity : Infinity;
    for (const bucket of stops.buckets.values()) {
      if (isTriggered(side, last, tightest(side, bucket))) {
        // Scan, and tighten the bounds to the exact minimum (removals leave them loose).
        bucket.minAmount = Infinity;
        bucket.minBps = Infinity;
        for (const stop of bucket.members) {
          this.bound(bucket, stop);
          const { trailAmount, trailBps } = stop.command;
          if (isTriggered(side, last, trailingStopPrice(side, bucket.mark, trailAmount, trailBps)) && (!first || stop.arrival < first.arrival)) first = stop;
        }
      }
      stopBound = inner(side, stopBound, tightest(side, bucket));
    }
    stops.stopBound = stopBound;
    return first;
  }

  private join(bucket: Bucket, held: Held): void {
    held.bucket = bucket;
    held.position = bucket.members.length;
    bucket.members.push(held);
    this.bound(bucket, held);
  }

  private bound(bucket: Bucket, stop: TrailingStop): void {
    if (stop.command.trailAmount !== undefined) bucket.minAmount = Math.min(bucket.minAmount, stop.command.trailAmount);
    else bucket.minBps = Math.min(bucket.minBps, stop.command.trailBps!);
  }

  /** Moves the smaller bucket's members into the larger; returns the larger. */
  private merge(a: Bucket, b: Bucket): Bucket {
    const [large, small] = a.members.length >= b.members.length ? [a, b] : [b, a];
    for (const stop of small.members) this.join(large, stop);
    return large;
  }
}

/** Does a trade at `price` pass `mark` (above a sell's, below a buy's)? */
const passes = (side: Side, price: number, mark: number) => (side === "SELL" ? price > mark : price < mark);

/** Of two marks, the one farther from where trades pass them (a sell's lower, a buy's higher). */
const outer = (side: Side, a: number, b: number) => (side === "SELL" ? Math.min(a, b) : Math.max(a, b));

/** Of two stop prices, the one a price reaches first (a sell's higher, a buy's lower). */
const inner = (side: Side, a: number, b: number) => (side === "SELL" ? Math.max(a, b) : Math.min(a, b));

/** The stop price of a bucket's tightest trail, from its bounds: no member's stop is nearer the market. */
function tightest(side: Side, bucket: Bucket): number {
  const none = side === "SELL" ? -Infinity : Infinity;
  const byAmount = bucket.minAmount === Infinity ? none : trailingStopPrice(side, bucket.mark, bucket.minAmount, undefined);
  const byBps = bucket.minBps === Infinity ? none : trailingStopPrice(side, bucket.mark, undefined, bucket.minBps);
  return inner(side, byAmount, byBps);
}
