import { isValid, positiveInt } from "./command-validation";
import { crosses, type RestingOrder, type RestingOrders } from "./resting-orders";
import { type TrailingStops, trailingStopPrice } from "./trailing-stops";
import type { AmendCommand, CancelReason, Command, Depth, EngineEvent, OrderBook, RejectReason, RestoredOrder, Side, SubmitCommand, TimeInForce } from "./types";

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
 * - TRAILING_STOP waits like STOP; its stop price trails the highest trade since acceptance
 *   (sell) or the lowest (buy) by trailAmount ticks or trailBps, rounded away from the market,
 *   and triggers as a STOP does. Plain and trailing stops trigger in one acceptance order.
 * - postOnly (LIMIT): an order whose price crosses the best opposite order is cancelled
 *   untouched (POST_ONLY) instead of trading.
 * - Iceberg (LIMIT with display): rests showing at most `display` lots; when the shown part
 *   fills, the next part is shown and queues at the back of its price (replenished). As a
 *   taker, and for FOK's count, all of it counts; depth shows only the shown parts.
 * - amend: see AmendCommand.
 * - expireDay: every DAY order, resting or waiting, expires in arrival order; expire(now):
 *   every GTD order with expiresAt <= now, likewise.
 * - triggers(suspended): while suspended, no stop triggers (stale market data); see TriggersCommand.
 */
export class MatchingEngine implements OrderBook {
  private seq = 0;
  private arrivals = 0;
  private last: number | null = null;
  /** Stops do not trigger while set, nor after it until a trade prints (see TriggersCommand). */
  private triggersSuspended = false;
  private awaitingTrade = false;
  /**
   * Whether a stop may have triggered since the last look: a trade printed, or a stop was
   * added or amended. Adds and cancels that trade nothing leave every stop as it was, so they
   * do not look at the stops at all (with 10,000 waiting, a look is not free).
   */
  private triggersDue = false;
  private events: EngineEvent[] = [];
  /**
   * At or above every open order's id. The gateway's ids rise, so a new order's id is above it
   * and the duplicate check needs no lookup (with 10,000 stops waiting, a lookup is a cache miss).
   */
  private highestId = -Infinity;
  private readonly stops = new Map<number, PendingStop>();

  constructor(
    private readonly book: RestingOrders,
    private readonly trailing: TrailingStops,
  ) {}

  get lastTradePrice(): number | null {
    return this.last;
  }

  get sequence(): number {
    return this.seq;
  }

  apply(command: Command): EngineEvent[] {
    this.events = [];
    switch (command.type) {
      case "submit":
        this.submit(command);
        break;
      case "cancel":
        this.cancel(command.id);
        break;
      case "amend":
        this.amend(command);
        break;
      case "expire":
        this.expire((tif, expiresAt) => tif === "GTD" && expiresAt! <= command.now);
        break;
      case "triggers":
        if (this.triggersSuspended && !command.suspended) this.awaitingTrade = true;
        this.triggersSuspended = command.suspended;
        break;
      default:
        this.expire((tif) => tif === "DAY");
    }
    return this.events;
  }

  depth(levels: number): Depth {
    return { bids: this.book.depth("BUY", levels), asks: this.book.depth("SELL", levels) };
  }

  openOrders(): Map<number, number> {
    const open = new Map<number, number>();
    for (const order of this.book.all()) open.set(order.id, order.remaining);
    for (const [id, stop] of this.stops) open.set(id, stop.command.quantity);
    for (const stop of this.trailing.all()) open.set(stop.command.id, stop.command.quantity);
    return open;
  }

  trailingStopPrice(id: number): number | undefined {
    const stop = this.trailing.get(id);
    return stop && trailingStopPrice(stop.command.side, stop.mark, stop.command.trailAmount, stop.command.trailBps);
  }

  trailingMark(id: number): number | undefined {
    return this.trailing.get(id)?.mark;
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
    for (const { visible, ...entry } of open) {
      const command: SubmitCommand = { type: "submit", ...entry };
      this.highestId = Math.max(this.highestId, entry.id);
      if (entry.kind === "STOP" || entry.kind === "STOP_LIMIT") {
        this.stops.set(entry.id, { command, arrival: ++this.arrivals });
      } else if (entry.kind === "TRAILING_STOP") {
        this.trailing.add({ command, arrival: ++this.arrivals, mark: entry.mark! });
      } else {
        this.rest(command, entry.quantity, visible);
      }
    }
    this.seq = state.sequence;
    this.last = state.lastTradePrice;
    this.triggersDue = true;
  }

  private cancelled(id: number, reason: CancelReason, remaining: number): void {
    this.events.push({ seq: this.next(), type: "cancelled", id, reason, remaining });
  }

  private reject(id: number, reason: RejectReason): void {
    this.events.push({ seq: this.next(), type: "rejected", id, reason });
  }

  private submit(command: SubmitCommand): void {
    // Ids come from the gateway's sequence; the engine refuses one that is live in this book.
    if (this.isOpen(command.id)) return this.reject(command.id, "DUPLICATE_ID");
    if (!isValid(command)) return this.reject(command.id, "INVALID_ORDER");
    this.highestId = Math.max(this.highestId, command.id);
    if (command.kind === "STOP" || command.kind === "STOP_LIMIT") {
      this.events.push({ seq: this.next(), type: "accepted", id: command.id, pendingTrigger: true });
      this.stops.set(command.id, { command, arrival: ++this.arrivals });
      this.triggersDue = true;
    } else if (command.kind === "TRAILING_STOP") {
      const mark = this.last ?? command.mark;
      if (mark === undefined) return this.reject(command.id, "INVALID_ORDER");
      this.events.push({ seq: this.next(), type: "accepted", id: command.id, pendingTrigger: true, mark });
      this.trailing.add({ command, arrival: ++this.arrivals, mark });
      this.triggersDue = true;
    } else {
      this.events.push({ seq: this.next(), type: "accepted", id: command.id, pendingTrigger: false });
      this.execute(command);
    }
    this.runTriggers();
  }

  private isOpen(id: number): boolean {
    if (id > this.highestId) return false;
    return this.book.get(id) !== undefined || this.stops.has(id) || this.trailing.get(id) !== undefined;
  }

  private rest(command: SubmitCommand, remaining: number, visible?: number): void {
    const shown = visible ?? (command.display === undefined ? remaining : Math.min(command.display, remaining));
    this.book.add(command, remaining, shown, ++this.arrivals);
  }

  /** Matches an order that is live now (new, or a stop just triggered). */
  private execute(command: SubmitCommand): void {
    // Read once: callers shape commands as they like, and each read of an unknown shape costs.
    const { id, account, side, kind, quantity: wanted } = command;
    const market = kind === "MARKET" || kind === "STOP" || kind === "TRAILING_STOP";
    const limit = market ? (command.protection ?? null) : command.price!;
    const tif: TimeInForce = market && command.tif !== "FOK" ? "IOC" : command.tif;
    const opposite: Side = side === "BUY" ? "SELL" : "BUY";
    if (tif === "FOK" && this.book.available(opposite, limit, account, wanted) < wanted) {
      return this.cancelled(id, "FOK_UNFILLABLE", wanted);
    }
    if (command.postOnly) {
      const best = this.book.best(opposite);
      if (best && crosses(side, limit, best.price)) return this.cancelled(id, "POST_ONLY", wanted);
    }
    let remaining = wanted;
    for (let maker = this.book.best(opposite); remaining > 0 && maker && crosses(side, limit, maker.price); maker = this.book.best(opposite)) {
      if (maker.account === account) {
        this.book.remove(maker);
        this.cancelled(maker.id, "SELF_TRADE", maker.remaining);
        continue;
      }
      // An iceberg trades only what it shows; the rest waits for its turn.
      const quantity = Math.min(remaining, maker.visible);
      remaining -= quantity;
      const makerRemaining = maker.remaining - quantity;
      const price = maker.price;
      // An iceberg whose shown part filled shows the next part, at the back of its price.
      const replenished = makerRemaining > 0 && maker.visible === quantity ? Math.min(maker.display!, makerRemaining) : 0;
      if (makerRemaining === 0) this.book.remove(maker);
      else if (replenished > 0) this.book.replenish(maker, makerRemaining, replenished, ++this.arrivals);
      else this.book.reduce(maker, quantity, quantity);
      this.last = price;
      if (!this.triggersSuspended) this.awaitingTrade = false;
      this.triggersDue = true;
      if (this.trailing.size > 0) this.trailing.trade(price);
      this.events.push({ seq: this.next(), type: "fill", takerId: id, makerId: maker.id, takerSide: side, price, quantity, takerRemaining: remaining, makerRemaining });
      if (replenished > 0) this.events.push({ seq: this.next(), type: "replenished", id: maker.id, visible: replenished });
    }
    if (remaining === 0) return;
    if (market) return this.cancelled(id, reasonForRest(tif, true), remaining);
    if (tif === "IOC" || tif === "FOK") return this.cancelled(id, reasonForRest(tif, false), remaining);
    this.rest(command, remaining);
  }

  private runTriggers(): void {
    // Suspended (stale prices) or waiting for the first trade after: the look stays due.
    if (!this.triggersDue || this.triggersSuspended || this.awaitingTrade) return;
    this.triggersDue = false;
    while (this.last !== null && (this.stops.size > 0 || this.trailing.size > 0)) {
      let next: PendingStop | undefined;
      for (const stop of this.stops.values()) {
        if (this.isTriggered(stop.command) && (!next || stop.arrival < next.arrival)) next = stop;
      }
      const trailing = this.trailing.size > 0 ? this.trailing.firstTriggered(this.last) : undefined;
      if (trailing && (!next || trailing.arrival < next.arrival)) next = trailing;
      if (!next) return;
      if (next === trailing) this.trailing.remove(next.command.id);
      else this.stops.delete(next.command.id);
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
    const stop = this.stops.get(id) ?? this.trailing.get(id);
    if (stop) {
      this.removeStop(id);
      return this.cancelled(id, "USER", stop.command.quantity);
    }
    this.reject(id, "UNKNOWN_ORDER");
  }

  private removeStop(id: number): void {
    if (!this.stops.delete(id)) this.trailing.remove(id);
  }

  /** Expires, in arrival order, every open order whose time in force says so. */
  private expire(due: (tif: TimeInForce, expiresAt: number | undefined) => boolean): void {
    const expiring: Array<{ arrival: number; id: number; remaining: number; resting?: RestingOrder }> = [];
    // all() gives copies; removal wants the resting order itself.
    for (const order of this.book.all()) if (due(order.tif, order.expiresAt)) expiring.push({ arrival: order.arrival, id: order.id, remaining: order.remaining, resting: this.book.get(order.id) });
    for (const stop of [...this.stops.values(), ...this.trailing.all()]) {
      if (due(stop.command.tif, stop.command.expiresAt)) expiring.push({ arrival: stop.arrival, id: stop.command.id, remaining: stop.command.quantity });
    }
    expiring.sort((a, b) => a.arrival - b.arrival);
    for (const entry of expiring) {
      if (entry.resting) this.book.remove(entry.resting);
      else this.removeStop(entry.id);
      this.events.push({ seq: this.next(), type: "expired", id: entry.id, remaining: entry.remaining });
    }
  }

  private amend(command: AmendCommand): void {
    const resting = this.book.get(command.id);
    if (resting) return this.amendResting(resting, command);
    const stop = this.stops.get(command.id) ?? this.trailing.get(command.id);
    if (stop) return this.amendStop(stop, command);
    this.reject(command.id, "UNKNOWN_ORDER");
  }

  /** A resting order is a valid LIMIT: an amend may change its quantity and its price, nothing else. */
  private amendResting(resting: RestingOrder, command: AmendCommand): void {
    if (command.quantity === 0) {
      this.book.remove(resting);
      return this.cancelled(command.id, "USER", resting.remaining);
    }
    const quantity = command.quantity;
    const price = command.price ?? resting.price;
    if (!positiveInt(quantity) || !positiveInt(price) || command.stopPrice !== undefined || command.protection !== undefined || command.trailAmount !== undefined || command.trailBps !== undefined) {
      return this.reject(command.id, "INVALID_ORDER");
    }
    const requeued = price !== resting.price || quantity > resting.remaining;
    this.events.push({ seq: this.next(), type: "amended", id: command.id, remaining: quantity, requeued });
    if (!requeued) return this.book.reduce(resting, resting.remaining - quantity, Math.max(0, resting.visible - quantity));
    this.book.remove(resting);
    // A new price may cross: the amended order meets the book as a new one would.
    this.execute({ type: "submit", id: resting.id, account: resting.account, side: resting.side, kind: "LIMIT", tif: resting.tif, quantity, price, display: resting.display, expiresAt: resting.expiresAt, postOnly: resting.postOnly });
    this.runTriggers();
  }

  private amendStop(stop: PendingStop, command: AmendCommand): void {
    const original = stop.command;
    if (command.quantity === 0) {
      this.removeStop(command.id);
      return this.cancelled(command.id, "USER", original.quantity);
    }
    const trailChange = command.trailAmount !== undefined || command.trailBps !== undefined;
    // Every field spelled out: spreading the original (shaped however the caller built it) and
    // overriding fields it lacks costs V8 several times more than the whole rest of the amend.
    const amended: SubmitCommand = {
      type: "submit",
      id: original.id,
      account: original.account,
      side: original.side,
      kind: original.kind,
      tif: original.tif,
      quantity: command.quantity,
      price: command.price ?? original.price,
      stopPrice: command.stopPrice ?? original.stopPrice,
      protection: command.protection ?? original.protection,
      postOnly: original.postOnly,
      display: original.display,
      expiresAt: original.expiresAt,
      trailAmount: trailChange ? command.trailAmount : original.trailAmount,
      trailBps: trailChange ? command.trailBps : original.trailBps,
      mark: original.mark,
    };
    // An amend changes what the order has; it cannot give it a field its kind lacks.
    if (!isValid(amended) || (command.price !== undefined && original.price === undefined) || (command.stopPrice !== undefined && original.stopPrice === undefined) || (command.protection !== undefined && original.protection === undefined) || (trailChange && original.kind !== "TRAILING_STOP")) {
      return this.reject(command.id, "INVALID_ORDER");
    }
    const requeued = amended.price !== original.price || amended.stopPrice !== original.stopPrice || trailChange || command.quantity > original.quantity;
    this.events.push({ seq: this.next(), type: "amended", id: command.id, remaining: command.quantity, requeued });
    const arrival = requeued ? ++this.arrivals : stop.arrival;
    if (original.kind === "TRAILING_STOP") {
      const mark = this.trailing.get(command.id)!.mark;
      this.trailing.remove(command.id);
      this.trailing.add({ command: amended, arrival, mark });
    } else {
      this.stops.set(command.id, { command: amended, arrival });
    }
    this.triggersDue = true;
    this.runTriggers();
  }
}

function reasonForRest(tif: TimeInForce, market: boolean): CancelReason {
  if (tif === "FOK") return "FOK_UNFILLABLE";
  return market ? "NO_LIQUIDITY" : "IOC_REMAINDER";
}
