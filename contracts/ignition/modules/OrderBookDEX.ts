import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Tokens from "./Tokens.js";

/** Lot sizes follow the server's instruments: TGLD trades in 0.01 units, TBILL in whole units. */
export const LOT_SIZES = { TGLD: 10n ** 16n, TBILL: 10n ** 18n } as const;

/**
 * The order book with the two demo pairs, TGLD/dUSD (pair 1) and TBILL/dUSD (pair 2); prices
 * are dUSD atoms per lot. The DEX is made fee-exempt on TGLD (parameter `exemptDex`), as an
 * issuer would for a trading venue; without the exemption the DEX still stays exact, since it
 * sizes orders by the balance that arrived.
 */
export default buildModule("OrderBookDEX", (m) => {
  const { usd, gold, bill } = m.useModule(Tokens);
  const dex = m.contract("OrderBookDEX");

  const goldPair = m.call(dex, "createPair", [gold, usd, LOT_SIZES.TGLD], { id: "createPairTGLD" });
  m.call(dex, "createPair", [bill, usd, LOT_SIZES.TBILL], { id: "createPairTBILL", after: [goldPair] });
  m.call(gold, "setFeeExempt", [dex, m.getParameter("exemptDex", true)], { id: "exemptDexTGLD" });

  return { dex };
});
