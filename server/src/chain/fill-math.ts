import { type Fixed, SCALE } from "../infra/fixed";
import type { PairInfo } from "./deployment";

/**
 * Token atoms -> Fixed (10 decimal places). Amounts with more decimals than that (18-decimal
 * tokens) are rounded toward zero: a balance or a quantity is never shown larger than it is.
 */
export function atomsToFixed(atoms: bigint, decimals: number): Fixed {
  const shift = SCALE - decimals;
  return shift >= 0 ? atoms * 10n ** BigInt(shift) : atoms / 10n ** BigInt(-shift);
}

/** True when `atomsToFixed` loses nothing. */
export function fitsFixed(atoms: bigint, decimals: number): boolean {
  return decimals <= SCALE || atoms % 10n ** BigInt(decimals - SCALE) === 0n;
}

export interface FillFigures {
  /** Quote currency per whole base unit. */
  price: Fixed;
  /** Base units. */
  quantity: Fixed;
  /** False when a figure had to be rounded to 10 places (never for the demo pairs). */
  exact: boolean;
}

/**
 * The DEX prices in quote atoms per lot of `lotSize` base atoms; the platform prices in quote
 * units per whole base unit: price × 10^baseDecimals / (lotSize × 10^quoteDecimals). Computed
 * in integers; a price that does not fit 10 places is rounded half-even, a quantity down.
 */
export function fillFigures(pair: PairInfo, priceAtomsPerLot: bigint, lots: bigint): FillFigures {
  const numerator = priceAtomsPerLot * 10n ** BigInt(pair.base.decimals + SCALE);
  const denominator = pair.lotSize * 10n ** BigInt(pair.quote.decimals);
  let price = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder * 2n > denominator || (remainder * 2n === denominator && price % 2n === 1n)) price += 1n;
  const baseAtoms = lots * pair.lotSize;
  return { price, quantity: atomsToFixed(baseAtoms, pair.base.decimals), exact: remainder === 0n && fitsFixed(baseAtoms, pair.base.decimals) };
}
