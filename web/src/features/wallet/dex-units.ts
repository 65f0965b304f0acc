import { formatUnits, parseUnits } from "viem";

/**
 * The DEX's units (IOrderBookDEX): size in whole lots of `lotSize` base atoms, price in quote
 * atoms per lot. People think in tokens and dollars per token, so the ticket converts, exactly:
 * a quantity that is not a whole number of lots, or a price that is not a whole number of quote
 * atoms per lot, is refused rather than rounded (the contract would take a different order).
 */
export interface PairUnits {
  lotSize: bigint;
  baseDecimals: number;
  quoteDecimals: number;
  /** The pair's smallest order in lots (the contract refuses less with DexOrderBelowMinimum). */
  minLots?: bigint;
}

export type Converted<T> = { ok: true; value: T } | { ok: false; error: string };

const decimal = /^\d+(\.\d+)?$/;

export function toLots(quantity: string, pair: PairUnits): Converted<bigint> {
  if (!decimal.test(quantity)) return { ok: false, error: "Enter a quantity" };
  const atoms = parseUnits(quantity, pair.baseDecimals);
  const lot = formatUnits(pair.lotSize, pair.baseDecimals);
  if (atoms === 0n || atoms % pair.lotSize !== 0n) return { ok: false, error: `The quantity must be a positive multiple of the lot ${lot}` };
  const lots = atoms / pair.lotSize;
  if (pair.minLots !== undefined && lots < pair.minLots) return { ok: false, error: `The quantity must be at least ${formatUnits(pair.minLots * pair.lotSize, pair.baseDecimals)}, the pair's minimum order` };
  return { ok: true, value: lots };
}

/** Price per whole base token -> quote atoms per lot. */
export function toPricePerLot(price: string, pair: PairUnits): Converted<bigint> {
  if (!decimal.test(price)) return { ok: false, error: "Enter a price" };
  // price × 10^quoteDecimals quote atoms per token; a lot is lotSize / 10^baseDecimals tokens.
  const scaled = parseUnits(price, pair.quoteDecimals) * pair.lotSize;
  const unit = 10n ** BigInt(pair.baseDecimals);
  if (scaled === 0n) return { ok: false, error: "The price must be positive" };
  if (scaled % unit !== 0n) return { ok: false, error: "The price is finer than one quote unit per lot" };
  return { ok: true, value: scaled / unit };
}

/** Quote atoms per lot -> price per whole base token, as a decimal string. */
export const fromPricePerLot = (perLot: bigint, pair: PairUnits) => formatUnits((perLot * 10n ** BigInt(pair.baseDecimals)) / pair.lotSize, pair.quoteDecimals);

export const lotsToQuantity = (lots: bigint, pair: PairUnits) => formatUnits(lots * pair.lotSize, pair.baseDecimals);

/** What an order escrows: a buy the quote it may pay, a sell the base it offers. */
export const escrowOf = (isBuy: boolean, lots: bigint, pricePerLot: bigint, pair: PairUnits) => (isBuy ? lots * pricePerLot : lots * pair.lotSize);
