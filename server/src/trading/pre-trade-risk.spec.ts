import { expect } from "chai";
import type { AppError } from "../infra/errors";
import { parseFixed, ZERO } from "../infra/fixed";
import type { ValidatedOrder } from "./order-validation";
import { type AccountView, buyReservation, checkAccount, exposure, type RiskLimits } from "./pre-trade-risk";
import { OrderType, TimeInForce } from "./trading.entities";

const steps = { symbol: "AAPL", tick: parseFixed("0.01"), lot: parseFixed("1") };
const limits: RiskLimits = { priceBandBps: 1_000, marketProtectionBps: 500, maxOrderNotional: "100000" };
const fees = { makerBps: 10, takerBps: 20 };
const order = (overrides: Partial<ValidatedOrder>): ValidatedOrder => ({
  side: "BUY",
  type: OrderType.LIMIT,
  tif: TimeInForce.GTC,
  quantity: parseFixed("10"),
  lots: 10,
  limitPrice: parseFixed("100"),
  stopPrice: null,
  clientOrderId: null,
  ...overrides,
});
const account = (overrides: Partial<AccountView> = {}): AccountView => ({ availableCash: parseFixed("5000"), freeQuantity: parseFixed("10"), tradingDisabled: false, tradable: true, ...overrides });
const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as AppError).extensions.reason;
  }
  return null;
};

describe("pre-trade risk", () => {
  it("when an amend leaves a price as it was, then that price is not held to the band the market has since moved", () => {
    const far = order({ limitPrice: parseFixed("80") });
    expect(reasonOf(() => exposure(far, steps, parseFixed("100"), limits, fees))).to.equal("PRICE_BAND");
    expect(exposure(far, steps, parseFixed("100"), limits, fees, { limitPrice: false, stopPrice: true }).reservedCash).to.equal(parseFixed("801.6"));
    expect(reasonOf(() => exposure(order({ type: OrderType.STOP, limitPrice: null, stopPrice: parseFixed("80") }), steps, parseFixed("100"), limits, fees, { limitPrice: false, stopPrice: true }))).to.equal("PRICE_BAND");
  });

  it("when a limit buy is inside the band, then it reserves its notional plus the higher fee, rounded up", () => {
    const result = exposure(order({}), steps, parseFixed("100"), limits, fees);
    expect(result.notional).to.equal(parseFixed("1000"));
    expect(result.reservedCash).to.equal(parseFixed("1002"));
    expect(result.protection).to.equal(null);
    expect(buyReservation(parseFixed("0.0000000001"), fees)).to.equal(parseFixed("0.0000000002"));
  });

  it("when a price is further from the reference than the band, then PRICE_BAND", () => {
    expect(reasonOf(() => exposure(order({ limitPrice: parseFixed("111") }), steps, parseFixed("100"), limits, fees))).to.equal("PRICE_BAND");
    expect(reasonOf(() => exposure(order({ type: OrderType.STOP, limitPrice: null, stopPrice: parseFixed("89") }), steps, parseFixed("100"), limits, fees))).to.equal("PRICE_BAND");
  });

  it("when a market order has no reference price, then NO_REFERENCE_PRICE; with one, it is protected on the tick", () => {
    const market = order({ type: OrderType.MARKET, limitPrice: null });
    expect(reasonOf(() => exposure(market, steps, null, limits, fees))).to.equal("NO_REFERENCE_PRICE");
    expect(exposure(market, steps, parseFixed("100.01"), limits, fees).protection).to.equal(parseFixed("105.02"));
    expect(exposure({ ...market, side: "SELL" }, steps, parseFixed("100.01"), limits, fees).protection).to.equal(parseFixed("95"));
    expect(exposure({ ...market, side: "SELL" }, steps, parseFixed("100"), limits, fees).reservedCash).to.equal(ZERO);
  });

  it("when the worst notional passes the maximum, then MAX_NOTIONAL", () => {
    expect(reasonOf(() => exposure(order({ quantity: parseFixed("1001"), lots: 1001 }), steps, parseFixed("100"), limits, fees))).to.equal("MAX_NOTIONAL");
  });

  it("when the account cannot carry the order, then the reason says which rule, kill switches first", () => {
    const buy = order({});
    expect(reasonOf(() => checkAccount(buy, parseFixed("1002"), account(), "AAPL"))).to.equal(null);
    expect(reasonOf(() => checkAccount(buy, parseFixed("5000.01"), account(), "AAPL"))).to.equal("INSUFFICIENT_BUYING_POWER");
    expect(reasonOf(() => checkAccount({ ...buy, side: "SELL", quantity: parseFixed("11") }, ZERO, account(), "AAPL"))).to.equal("INSUFFICIENT_POSITION");
    expect(reasonOf(() => checkAccount({ ...buy, side: "SELL" }, ZERO, account(), "AAPL"))).to.equal(null);
    expect(reasonOf(() => checkAccount(buy, ZERO, account({ tradable: false, tradingDisabled: true }), "AAPL"))).to.equal("KILL_SWITCH");
    expect(reasonOf(() => checkAccount(buy, ZERO, account({ tradable: false }), "AAPL"))).to.equal("TRADING_HALTED");
  });
});
