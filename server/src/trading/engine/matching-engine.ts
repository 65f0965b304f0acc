import { crosses, type RestingOrder, type RestingOrders } from "./resting-orders";
import type { CancelReason, Command, Depth, EngineEvent, OrderBook, RejectReason, RestoredOrder, Side, SubmitCommand, TimeInForce } from "./types";

interface PendingStop {
  command: SubmitCommand;
  /** Acceptance order: triggered stops enter the book in the order they were accepted. */
  arrival: number;
}

/**
 * Price-time priority matching for one instrument: pure and synchronous, integers only.
 *
 * Rules, exactly:
 * - An incoming order trades with the best opposite order while prices cross, at the resting
 *   order's price, partially where quantities differ.
 * - LIMIT GTC/DAY: the unfilled rest rests. IOC: the rest is cancelled. FOK: unless the book can
 *   fill all of it at once (not counting the account's own orders), it is cancelled untouched.
 * - MARKET never rests: the rest is cancelled (NO_LIQUIDITY); FOK is honoured. With a
 *   protection price it trades only at prices no worse than it.
 * - Self-trade prevention: a resting order of the incoming order's own account that would trade
 *   is cancelled instead (SELF_TRADE), and matching goes on.
 * - STOP / STOP_LIMIT wait as PENDING_TRIGGER. A BUY stop triggers once a trade prints at or
 *   above its stop price; a SELL stop once a trade prints at or below it. A stop accepted when
 *   the last trade already satisfies its condition triggers at once. Triggered stops become
 *   MARKET (STOP) or LIMIT at their price (STOP_LIMIT) and run one at a time in the order they
 *   were accepted; each may print trades that trigger more (cascade), re-checked after each.
 * - expireDay: every DAY order, resting or waiting, expires in arrival order.
 */
export class MatchingEngine implements OrderBook {
  private seq = 0;
  private arrivals = 0;
  private last: number | null = null;
  private events: EngineEvent[] = [];
  private readonly stops = new Map<number, PendingStop>();

  constructor(private readonly book: RestingOrders) {}

  get lastTradePrice(): number | null {
    return this.last;
  }

  get sequence(): number {
    return this.seq;
  }

  apply(command: Command): EngineEvent[] {
    this.events = [];
    if (command.type === "submit") this.submit(command);
    else if (command.type === "cancel") this.cancel(command.id);
    else this.expireDay();
    return this.events;
  }

  depth(levels: number): Depth {
    return { bids: this.book.depth("BUY", levels), asks: this.book.depth("SELL", levels) };
  }

  openOrders(): Map<number, number> {
    const open = new Map<number, number>();
    for (const order of this.book.all()) open.set(order.id, order.remaining);
    for (const [id, stop] of this.stops) open.set(id, stop.command.quantity);
    return open;
  }

  /** Events are built with their sequence number in place: no copies on the hot path. */
  private next(): number {
    return ++this.seq;
  }

  /**
   * Recovery: puts back what was open, in priority order (resting orders as they queued, stops
   * as they were accepted), without matching, and resumes the sequence and last trade price.
   */
  restore(open: RestoredOrder[], state: { sequence: number; lastTradePrice: number | null }): void {
    if (this.seq !== 0 || this.book.all().length > 0) throw new Error("restore into an empty book only");
    for (const entry of open) {
      if (entry.kind === "STOP" || entry.kind === "STOP_LIMIT") {
        this.stops.set(entry.id, { command: { type: "submit", ...entry }, arrival: ++this.arrivals });
      } else {
        this.book.add({ id: entry.id, account: entry.account, side: entry.side, price: entry.price!, remaining: entry.quantity, tif: entry.tif, arrival: ++this.arrivals });
      }
    }
    this.seq = state.sequence;
    this.last = state.lastTradePrice;
  }

  private cancelled(id: number, reason: CancelReason, remaining: number): void {
    this.events.push({ seq: this.next(), type: "cancelled", id, reason, remaining });
  }

  private reject(id: number, reason: RejectReason): void {
    this.events.push({ seq: this.next(), type: "rejected", id, reason });
  }

  private submit(command: SubmitCommand): void {
    // Ids come from the gateway's sequence; the engine refuses one that is live in this book.
    if (this.book.get(command.id) || this.stops.has(command.id)) return this.reject(command.id, "DUPLICATE_ID");
    if (!isValid(command)) return this.reject(command.id, "INVALID_ORDER");
    if (command.kind === "STOP" || command.kind === "STOP_LIMIT") {
      this.events.push({ seq: this.next(), type: "accepted", id: command.id, pendingTrigger: true });
      this.stops.set(command.id, { command, arrival: ++this.arrivals });
    } else {
      this.events.push({ seq: this.next(), type: "accepted", id: command.id, pendingTrigger: false });
      this.execute(command);
    }
    if (this.stops.size > 0) this.runTriggers();
  }

  /** Matches an order that is live now (new, or a stop just triggered). */
  private execute(command: SubmitCommand): void {
    const market = command.kind === "MARKET" || command.kind === "STOP";
    const limit = market ? (command.protection ?? null) : command.price!;
    const tif: TimeInForce = market && command.tif !== "FOK" ? "IOC" : command.tif;
    const opposite: Side = command.side === "BUY" ? "SELL" : "BUY";
    if (tif === "FOK" && this.book.available(opposite, limit, command.account, command.quantity) < command.quantity) {
      return this.cancelled(command.id, "FOK_UNFILLABLE", command.quantity);
    }
    let remaining = command.quantity;
    for (let maker = this.book.best(opposite); remaining > 0 && maker && crosses(command.side, limit, maker.price); maker = this.book.best(opposite)) {
      if (maker.account === command.account) {
        this.book.remove(maker);
        this.cancelled(maker.id, "SELF_TRADE", maker.remaining);
        continue;
      }
      const quantity = Math.min(remaining, maker.remaining);
      remaining -= quantity;
      const makerRemaining = maker.remaining - quantity;
      if (makerRemaining === 0) this.book.remove(maker);
      else this.book.reduce(maker, quantity);
      this.last = maker.price;
      this.events.push({ seq: this.next(), type: "fill", takerId: command.id, makerId: maker.id, takerSide: command.side, price: maker.price, quantity, takerRemaining: remaining, makerRemaining });
    }
    if (remaining === 0) return;
    if (market) return this.cancelled(command.id, reasonForRest(tif, true), remaining);
    if (tif === "IOC" || tif === "FOK") return this.cancelled(command.id, reasonForRest(tif, false), remaining);
    this.book.add({ id: command.id, account: command.account, side: command.side, price: command.price!, remaining, tif, arrival: ++this.arrivals });
  }

  private runTriggers(): void {
    for (;;) {
      let next: PendingStop | undefined;
      for (const stop of this.stops.values()) {
        if (this.isTriggered(stop.command) && (!next || stop.arrival < next.arrival)) next = stop;
      }
      if (!next) return;
      this.stops.delete(next.command.id);
      this.events.push({ seq: this.next(), type: "triggered", id: next.command.id });
      this.execute(next.command);
    }
  }

  private isTriggered(command: SubmitCommand): boolean {
    if (this.last === null) return false;
    return command.side === "BUY" ? this.last >= command.stopPrice! : this.last <= command.stopPrice!;
  }

  private cancel(id: number): void {
    const resting = this.book.get(id);
    if (resting) {
      this.book.remove(resting);
      return this.cancelled(id, "USER", resting.remaining);
    }
    const stop = this.stops.get(id);
    if (stop) {
      this.stops.delete(id);
      return this.cancelled(id, "USER", stop.command.quantity);
    }
    this.reject(id, "UNKNOWN_ORDER");
  }

  private expireDay(): void {
    const expiring: Array<{ arrival: number; id: number; remaining: number; resting?: RestingOrder }> = [];
    for (const order of this.book.all()) if (order.tif === "DAY") expiring.push({ arrival: order.arrival, id: order.id, remaining: order.remaining, resting: order });
    for (const stop of this.stops.values()) if (stop.command.tif === "DAY") expiring.push({ arrival: stop.arrival, id: stop.command.id, remaining: stop.command.quantity });
    expiring.sort((a, b) => a.arrival - b.arrival);
    for (const entry of expiring) {
      if (entry.resting) this.book.remove(entry.resting);
      else this.stops.delete(entry.id);
      this.events.push({ seq: this.next(), type: "expired", id: entry.id, remaining: entry.remaining });
    }
  }
}

function reasonForRest(tif: TimeInForce, market: boolean): CancelReason {
  if (tif === "FOK") return "FOK_UNFILLABLE";
  return market ? "NO_LIQUIDITY" : "IOC_REMAINDER";
}

const positiveInt = (value: number | undefined): value is number => value !== undefined && Number.isSafeInteger(value) && value > 0;

/** Structural checks the gateway already made; the engine refuses rather than trusts. */
function isValid(command: SubmitCommand): boolean {
  if (!positiveInt(command.quantity) || !Number.isSafeInteger(command.id)) return false;
  switch (command.kind) {
    case "MARKET":
      return command.price === undefined && command.stopPrice === undefined && (command.protection === undefined || positiveInt(command.protection));
    case "LIMIT":
      return positiveInt(command.price) && command.stopPrice === undefined && command.protection === undefined;
    case "STOP":
      return command.price === undefined && positiveInt(command.stopPrice) && (command.protection === undefined || positiveInt(command.protection));
    case "STOP_LIMIT":
      return positiveInt(command.price) && positiveInt(command.stopPrice) && command.protection === undefined;
  }
}
