import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Tokens from "./Tokens.js";

/** Lot sizes follow the server's instruments: TGLD trades in 0.01 units, TBILL in whole units. */
export const LOT_SIZES = { TGLD: 10n ** 16n, TBILL: 10n ** 18n } as const;

/** Smallest order, in lots (0.05 TGLD, 1 TBILL): below it an order is dust that could only
 * sit at the head of a level and use up takers' fills (issue 18, D-1). */
export const MIN_LOTS = { TGLD: 5n, TBILL: 1n } as const;

/**
 * The order book with the two demo pairs, TGLD/dUSD (pair 1) and TBILL/dUSD (pair 2); prices
 * are dUSD atoms per lot. The DEX is made fee-exempt on TGLD (parameter `exemptDex`), as an
 * issuer would for a trading venue; without the exemption the DEX still stays exact, since it
 * sizes orders by the balance that arrived.
 */
export default buildModule("OrderBookDEX", (m) => {
  const { usd, gold, bill } = m.useModule(Tokens);
  const dex = m.contract("OrderBookDEX");

  const goldPair = m.call(dex, "createPair", [gold, usd, LOT_SIZES.TGLD, MIN_LOTS.TGLD], { id: "createPairTGLD" });
  m.call(dex, "createPair", [bill, usd, LOT_SIZES.TBILL, MIN_LOTS.TBILL], { id: "createPairTBILL", after: [goldPair] });
  m.call(gold, "setFeeExempt", [dex, m.getParameter("exemptDex", true)], { id: "exemptDexTGLD" });

  return { dex };
});
