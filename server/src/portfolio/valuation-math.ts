import { type Fixed, SCALE, ZERO } from "../infra/fixed";

export interface Holding {
  symbol: string;
  quantity: Fixed;
  averageCost: Fixed;
  /** WALLET: a linked wallet's on-chain balance, valued at market with no cost basis of its own. */
  source?: "LEDGER" | "WALLET";
}

/** A linked wallet's balance of an instrument's token (Decimal string), as the chain feature stores it. */
export interface WalletHolding {
  symbol: string;
  quantity: string;
}

/** Where valuation reads on-chain holdings from (the chain feature provides it when a chain is configured). */
export interface WalletHoldingsSource {
  load(portfolioIds: readonly string[]): Promise<Map<string, WalletHolding[]>>;
}

export interface PositionValue extends Holding {
  /** Null when the symbol has no price yet; such a position is valued at its cost. */
  marketPrice: Fixed;
  marketValue: Fixed;
  unrealizedPnl: Fixed;
  weight: Fixed;
}

export interface PortfolioValue {
  totalValue: Fixed;
  marketValue: Fixed;
  costBasis: Fixed;
  unrealizedPnl: Fixed;
  positions: PositionValue[];
}

const ONE = 10n ** BigInt(SCALE);

/**
 * Exact products: quantity × price at scale 20, summed, and rounded once (half-even) at the
 * end. The query and the live stream both go through here, and the stream's incremental sums
 * use the same scale-20 products, so the two agree to the last unit.
 */
export function product20(quantity: Fixed, price: Fixed): bigint {
  return quantity * price;
}

export function round20(value: bigint): Fixed {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let quotient = magnitude / ONE;
  const remainder = magnitude % ONE;
  if (remainder * 2n > ONE || (remainder * 2n === ONE && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** Values holdings at the given prices; weights are shares of the total value (cash included). */
export function valuePortfolio(cash: Fixed, holdings: Holding[], priceOf: (symbol: string) => Fixed | null): PortfolioValue {
  let market20 = 0n;
  let cost20 = 0n;
  const rows = holdings.map((holding) => {
    const price = priceOf(holding.symbol) ?? holding.averageCost;
    const value20 = product20(holding.quantity, price);
    const basis20 = product20(holding.quantity, holding.averageCost);
    market20 += value20;
    cost20 += basis20;
    return { ...holding, marketPrice: price, value20, basis20 };
  });
  const marketValue = round20(market20);
  const totalValue = cash + marketValue;
  const positions = rows.map(({ value20, basis20, ...row }) => {
    const value = round20(value20);
    return {
      ...row,
      marketValue: value,
      unrealizedPnl: round20(value20 - basis20),
      // Weight to 10 places, rounded half up; zero when the portfolio is worth nothing.
      weight: totalValue === ZERO ? ZERO : (value * ONE * 2n + totalValue) / (totalValue * 2n),
    };
  });
  return { totalValue, marketValue, costBasis: round20(cost20), unrealizedPnl: round20(market20 - cost20), positions };
}
