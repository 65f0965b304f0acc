import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { type Fixed, formatFixed, mulFixed, parseFixed, ZERO } from "../infra/fixed";
import type { Accounts } from "../portfolio";
import type { Command, EngineEvent } from "./engine";
import type { InstrumentDesk } from "./instrument-desk";
import type { CommandOutcome, Fees } from "./order-persistence";
import { toLots, toTicks } from "./order-validation";
import { buyReservation } from "./pre-trade-risk";
import { OPEN_STATUSES, OrderClass, OrderRow, OrderStatus, OrderType, TimeInForce } from "./trading.entities";

/**
 * Order classes above the engine (docs/trading.md, "Order classes"). The engine knows single
 * orders; a family ties them:
 * - OCO: the first order and its `ocoWith` sibling (a leg of it). The first of the two to fill
 *   (even partly), trigger or close cancels the other in the same sequence step. The pair
 *   reserves once: one member holds what the dearer of the two may need, the other nothing.
 * - OTO: an entry and one exit (take-profit or stop-loss), placed at the entry's first fill for
 *   what filled and grown with every later fill.
 * - BRACKET: an entry and two exits (take-profit LIMIT, stop-loss STOP or STOP_LIMIT), placed at
 *   the entry's first fill and kept, both, at what filled less what the exits have sold: a fill
 *   of one exit reduces the other by as much. The exits reserve the position they close, once.
 * When the exits have closed the position the family ends and what remains of the entry is
 * cancelled; when an exit closes otherwise (its owner cancelled it, a triggered stop found no
 * buyers), the family ends the same way and the other exit is cancelled too. Cancelling an entry
 * cancels only what remains of it: exits already placed keep protecting what filled.
 *
 * Everything here is state-based: each call looks at the rows as they stand, so running it again
 * (a re-entrant event, a restart) changes nothing that is already right.
 */
export interface Family {
  orderClass: OrderClass;
  /** The first order (OCO) or the entry (OTO, BRACKET). */
  root: OrderRow;
  /** OCO: [sibling]; OTO: [exit]; BRACKET: [take-profit, stop-loss]; empty until placed. */
  legs: OrderRow[];
  /** OCO: the member that filled, triggered or closed first; the other is cancelled. */
  winner?: OrderRow;
  /** A change is being worked on: a re-entrant event only marks the family to look again. */
  busy?: boolean;
  dirty?: boolean;
}

/** What the families need of the sequence step they run in. */
export interface FamilyStep {
  readonly accounts: Accounts;
  readonly outcome: CommandOutcome;
  readonly now: Date;
  fees(symbol: string): Fees;
  /** Runs a command through the desk's book and settles its events (re-entering `afterEvents`). */
  apply(desk: InstrumentDesk, command: Command, fresh: Map<number, OrderRow>): void;
  /** A new engine id, drawn in `prepare`. */
  engineId(): number;
  /** A row inserted at the commit. */
  created(row: OrderRow): void;
}

/** Engine ids a batch may need for exits: two for every entry whose exits are not placed yet. */
export function idsForExits(desks: Iterable<InstrumentDesk>): number {
  let needed = 0;
  for (const desk of desks) for (const family of new Set(desk.families.values())) if (family.orderClass !== OrderClass.OCO && family.legs.length === 0) needed += 2;
  return needed;
}

export function register(desk: InstrumentDesk, family: Family): void {
  for (const row of [family.root, ...family.legs]) {
    desk.families.set(row.id, family);
    desk.familiesByEngineId.set(Number(row.engineId), family);
  }
}

function forgetIfDone(desk: InstrumentDesk, family: Family): void {
  const members = [family.root, ...family.legs];
  if (members.some(isOpen)) return;
  for (const row of members) {
    desk.families.delete(row.id);
    desk.familiesByEngineId.delete(Number(row.engineId));
  }
}

const isOpen = (row: OrderRow) => OPEN_STATUSES.includes(row.status);
const filledOf = (row: OrderRow) => parseFixed(row.filledQuantity);
const remainingOf = (row: OrderRow) => parseFixed(row.quantity) - filledOf(row);
const isStop = (row: OrderRow) => row.type === OrderType.STOP || row.type === OrderType.STOP_LIMIT || row.type === OrderType.TRAILING_STOP;

/** The members that share one reservation: both OCO orders, both bracket exits. */
function sharing(family: Family): OrderRow[] {
  if (family.orderClass === OrderClass.OCO) return [family.root, ...family.legs];
  if (family.orderClass === OrderClass.BRACKET) return family.legs;
  return [];
}

/**
 * Before a family member's fill settles, the share its group reserves moves to it (rows only:
 * the account's total does not change), so the fill releases what pays for it.
 */
export function beforeFill(desk: InstrumentDesk, row: OrderRow): void {
  const family = desk.families.get(row.id);
  if (!family) return;
  const group = sharing(family);
  if (!group.includes(row)) return;
  for (const other of group) {
    if (other === row || !isOpen(other)) continue;
    row.reservedCash = formatFixed(parseFixed(row.reservedCash) + parseFixed(other.reservedCash));
    row.reservedQuantity = formatFixed(parseFixed(row.reservedQuantity) + parseFixed(other.reservedQuantity));
    other.reservedCash = "0";
    other.reservedQuantity = "0";
  }
}

/**
 * What an open member of a sharing group should reserve on its own: a sell its remaining
 * quantity, a buy its remaining quantity at its worst price with the higher fee.
 */
function ownNeed(row: OrderRow, fees: Fees): { cash: Fixed; quantity: Fixed } {
  const remaining = remainingOf(row);
  if (remaining <= ZERO) return { cash: ZERO, quantity: ZERO };
  if (row.side === "SELL") return { cash: ZERO, quantity: remaining };
  const worst = parseFixed((row.limitPrice ?? row.protectionPrice)!);
  return { cash: buyReservation(mulFixed(remaining, worst, "up"), fees), quantity: ZERO };
}

/**
 * What `row` should reserve given its family: the group's first open member holds the most any
 * open member needs, the others nothing. Outside a sharing group, its own need (`own`).
 */
export function reservationFor(desk: InstrumentDesk, row: OrderRow, own: { cash: Fixed; quantity: Fixed }, fees: Fees): { cash: Fixed; quantity: Fixed } {
  const family = desk.families.get(row.id);
  const group = family ? sharing(family).filter(isOpen) : [];
  if (!group.includes(row)) return own;
  if (group[0] !== row) return { cash: ZERO, quantity: ZERO };
  let cash = own.cash;
  let quantity = own.quantity;
  for (const other of group.slice(1)) {
    const need = ownNeed(other, fees);
    if (need.cash > cash) cash = need.cash;
    if (need.quantity > quantity) quantity = need.quantity;
  }
  return { cash, quantity };
}

/** Families whose members the events touched, in event order, each looked at once. */
export function afterEvents(desk: InstrumentDesk, events: EngineEvent[], step: FamilyStep): void {
  if (desk.families.size === 0) return;
  const hit = new Map<Family, OrderRow[]>();
  const note = (engineId: number) => {
    const family = desk.familiesByEngineId.get(engineId);
    if (!family) return;
    const row = [family.root, ...family.legs].find((member) => Number(member.engineId) === engineId)!;
    const rows = hit.get(family) ?? [];
    if (!rows.includes(row)) rows.push(row);
    hit.set(family, rows);
  };
  for (const event of events) {
    if (event.type === "fill") {
      note(event.makerId);
      note(event.takerId);
    } else if (event.type === "triggered" || event.type === "cancelled" || event.type === "expired" || (event.type === "rejected" && event.reason !== "UNKNOWN_ORDER")) {
      note(event.id);
    }
  }
  for (const [family, rows] of hit) settleFamily(desk, family, rows, step);
}

/** After an amend of a member: its family's reservations where they belong. */
export function resettle(desk: InstrumentDesk, row: OrderRow, step: FamilyStep): void {
  const family = desk.families.get(row.id);
  if (family) settleFamily(desk, family, [], step);
}

function settleFamily(desk: InstrumentDesk, family: Family, rows: OrderRow[], step: FamilyStep): void {
  if (family.busy) {
    family.dirty = true;
    return;
  }
  family.busy = true;
  try {
    do {
      family.dirty = false;
      if (family.orderClass === OrderClass.OCO) settleOco(desk, family, rows, step);
      else settleExits(desk, family, step);
      rebalance(desk, family, step);
    } while (family.dirty);
  } finally {
    family.busy = false;
  }
  forgetIfDone(desk, family);
}

/** OCO: the first member to fill, trigger or close wins; every other open member is cancelled. */
function settleOco(desk: InstrumentDesk, family: Family, rows: OrderRow[], step: FamilyStep): void {
  family.winner ??= rows.find((row) => filledOf(row) > ZERO || !isOpen(row) || (isStop(row) && row.status !== OrderStatus.PENDING_TRIGGER));
  if (!family.winner) return;
  for (const other of [family.root, ...family.legs]) {
    if (other !== family.winner && isOpen(other)) cancelMember(desk, other, "OCO_SIBLING", step);
  }
}

/**
 * OTO and BRACKET: the exits stand at what the entry filled less what they sold; placed at the
 * first fill, grown (losing their place, as an amend does) and shrunk (keeping it) with it.
 */
function settleExits(desk: InstrumentDesk, family: Family, step: FamilyStep): void {
  const entry = family.root;
  const entryFilled = filledOf(entry);
  if (entryFilled === ZERO) return;
  if (family.legs.length === 0) {
    placeExits(desk, family, entryFilled, step);
    return;
  }
  const sold = family.legs.reduce((sum, leg) => sum + filledOf(leg), ZERO);
  const target = entryFilled - sold;
  const closedEarly = family.legs.some((leg) => !isOpen(leg) && remainingOf(leg) > ZERO && target > ZERO);
  if (closedEarly) {
    // An exit closed without closing the position: the family ends.
    for (const leg of family.legs) if (isOpen(leg)) cancelMember(desk, leg, "FAMILY_ENDED", step);
    if (isOpen(entry)) cancelMember(desk, entry, "FAMILY_ENDED", step);
    return;
  }
  for (const leg of family.legs) {
    if (!isOpen(leg) || remainingOf(leg) === target) continue;
    resize(desk, family, leg, filledOf(leg) + target, step);
  }
  // The exits have closed the position: the rest of the entry goes too.
  if (target === ZERO && isOpen(entry) && family.legs.every((leg) => !isOpen(leg))) cancelMember(desk, entry, "POSITION_CLOSED", step);
}

/** The entry's exits, for what it filled, as new orders on the other side (GTC). */
function placeExits(desk: InstrumentDesk, family: Family, quantity: Fixed, step: FamilyStep): void {
  const entry = family.root;
  const specs: Array<{ type: OrderType; limitPrice: string | null; stopPrice: string | null; protection: string | null }> = [];
  if (entry.takeProfitPrice !== null) specs.push({ type: OrderType.LIMIT, limitPrice: entry.takeProfitPrice, stopPrice: null, protection: null });
  if (entry.stopLossPrice !== null) {
    const limit = entry.stopLossLimitPrice;
    specs.push({ type: limit === null ? OrderType.STOP : OrderType.STOP_LIMIT, limitPrice: limit, stopPrice: entry.stopLossPrice, protection: limit === null ? entry.stopLossProtection : null });
  }
  const rows = specs.map((spec) => {
    const row = Object.assign(new OrderRow(), {
      id: randomUUID(),
      engineId: String(step.engineId()),
      userId: entry.userId,
      portfolioId: entry.portfolioId,
      clientOrderId: null,
      symbol: entry.symbol,
      side: entry.side === "BUY" ? "SELL" : "BUY",
      type: spec.type,
      timeInForce: TimeInForce.GTC,
      quantity: formatFixed(quantity),
      limitPrice: spec.limitPrice,
      stopPrice: spec.stopPrice,
      protectionPrice: spec.protection,
      postOnly: false,
      displayQuantity: null,
      trailAmount: null,
      trailPercent: null,
      trailMark: null,
      expiresAt: null,
      orderClass: family.orderClass,
      parentOrderId: entry.id,
      takeProfitPrice: null,
      stopLossPrice: null,
      stopLossLimitPrice: null,
      stopLossProtection: null,
      filledQuantity: "0",
      filledNotional: "0",
      status: OrderStatus.NEW,
      rejectReason: null,
      reservedCash: "0",
      reservedQuantity: "0",
      queuedSeq: null,
      lastSeq: String(desk.book.sequence),
      createdAt: step.now,
      updatedAt: step.now,
    } satisfies Partial<OrderRow>);
    step.created(row);
    return row;
  });
  family.legs.push(...rows);
  register(desk, family);
  // Reserve first (the pair once), then submit: an exit may trade at once.
  rebalance(desk, family, step);
  for (const row of rows) {
    if (!isOpen(row)) continue;
    const { steps } = desk;
    step.apply(
      desk,
      {
        type: "submit",
        id: Number(row.engineId),
        account: desk.account(row.userId),
        side: row.side,
        kind: row.type,
        tif: "GTC",
        quantity: toLots(remainingOf(row), steps),
        price: row.limitPrice === null ? undefined : toTicks(parseFixed(row.limitPrice), steps),
        stopPrice: row.stopPrice === null ? undefined : toTicks(parseFixed(row.stopPrice), steps),
        protection: row.protectionPrice === null ? undefined : toTicks(parseFixed(row.protectionPrice), steps),
      },
      new Map([[Number(row.engineId), row]]),
    );
    step.outcome.orders.set(Number(row.engineId), row);
    step.outcome.audit.push({ eventType: "order.placed", userId: row.userId, entityType: "order", entityId: row.id, payload: { symbol: row.symbol, side: row.side, type: row.type, quantity: row.quantity, status: row.status, parentOrderId: entry.id, orderClass: row.orderClass } });
  }
  family.dirty = true;
}

/**
 * A member to a new total quantity: a lower one keeps its place, a higher one loses it. The
 * reservation follows first, so a grown exit that trades at once releases what it holds.
 */
function resize(desk: InstrumentDesk, family: Family, row: OrderRow, total: Fixed, step: FamilyStep): void {
  const remaining = total - filledOf(row);
  if (remaining > ZERO) {
    row.quantity = formatFixed(total);
    rebalance(desk, family, step);
  }
  step.apply(desk, { type: "amend", id: Number(row.engineId), quantity: toLots(remaining, desk.steps) }, new Map());
  if (remaining === ZERO) row.rejectReason = "POSITION_CLOSED";
  step.outcome.orders.set(Number(row.engineId), row);
}

function cancelMember(desk: InstrumentDesk, row: OrderRow, reason: string, step: FamilyStep): void {
  step.apply(desk, { type: "cancel", id: Number(row.engineId) }, new Map());
  if (row.status === OrderStatus.CANCELLED && row.rejectReason === null) row.rejectReason = reason;
}

/**
 * Puts each open member's reservation where `reservationFor` says (OCO: both orders; OTO and
 * BRACKET: the exits; an entry reserves as any order does), moving the account by the
 * difference: releases first, so a hand-over never asks for more than the account holds.
 */
function rebalance(desk: InstrumentDesk, family: Family, step: FamilyStep): void {
  const fees = step.fees(desk.steps.symbol);
  const reserves: Array<() => void> = [];
  for (const row of family.orderClass === OrderClass.OCO ? [family.root, ...family.legs] : family.legs) {
    if (!isOpen(row)) continue;
    const want = reservationFor(desk, row, ownNeed(row, fees), fees);
    const cash = want.cash - parseFixed(row.reservedCash);
    const quantity = want.quantity - parseFixed(row.reservedQuantity);
    if (cash === ZERO && quantity === ZERO) continue;
    if (cash < ZERO) step.accounts.reserveCash(row.portfolioId, cash);
    if (quantity < ZERO) step.accounts.reserveQuantity(row.portfolioId, row.symbol, quantity);
    if (cash > ZERO) reserves.push(() => step.accounts.reserveCash(row.portfolioId, cash));
    if (quantity > ZERO) reserves.push(() => step.accounts.reserveQuantity(row.portfolioId, row.symbol, quantity));
    row.reservedCash = formatFixed(want.cash);
    row.reservedQuantity = formatFixed(want.quantity);
    step.outcome.orders.set(Number(row.engineId), row);
    step.outcome.portfolios.add(row.portfolioId);
  }
  for (const reserve of reserves) reserve();
}

/**
 * Rebuilds the families of a desk's open orders after a restart: every open member's family,
 * with its closed members (an entry that has filled keeps its exits' prices), as committed.
 */
export async function recoverFamilies(desk: InstrumentDesk, manager: EntityManager, open: OrderRow[]): Promise<void> {
  desk.families.clear();
  desk.familiesByEngineId.clear();
  const roots = [...new Set(open.filter((row) => row.orderClass !== OrderClass.SIMPLE).map((row) => row.parentOrderId ?? row.id))];
  if (roots.length === 0) return;
  const byId = new Map(open.map((row) => [row.id, row]));
  const members = await manager
    .getRepository(OrderRow)
    .createQueryBuilder("o")
    .where("o.id IN (:...roots) OR o.parent_order_id IN (:...roots)", { roots })
    .orderBy("o.created_at")
    .addOrderBy("o.engine_id")
    .getMany();
  const families = new Map<string, Family>();
  for (const member of members) {
    const row = byId.get(member.id) ?? member;
    const rootId = row.parentOrderId ?? row.id;
    if (row.parentOrderId === null) families.set(rootId, { orderClass: row.orderClass, root: row, legs: [] });
  }
  for (const member of members) {
    const row = byId.get(member.id) ?? member;
    if (row.parentOrderId !== null) families.get(row.parentOrderId)?.legs.push(row);
  }
  for (const family of families.values()) {
    if (family.orderClass === OrderClass.OCO) family.winner = [family.root, ...family.legs].find((row) => !isOpen(row) || filledOf(row) > ZERO || (isStop(row) && row.status !== OrderStatus.PENDING_TRIGGER));
    // The bracket's take-profit is placed first: keep that order whatever the clock said.
    if (family.orderClass === OrderClass.BRACKET) family.legs.sort((a, b) => (a.type === OrderType.LIMIT ? -1 : b.type === OrderType.LIMIT ? 1 : 0));
    register(desk, family);
  }
}
