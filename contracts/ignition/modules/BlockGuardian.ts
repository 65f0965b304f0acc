import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import OrderBookDEX from "./OrderBookDEX.js";
import StrategyVault from "./StrategyVault.js";
import Tokens from "./Tokens.js";

/** Demo balances for the first five accounts of a local node (the ones users link in the demo). */
const DEMO_ACCOUNTS = 5;

/**
 * Everything the platform runs on a local chain: tokens, order book with pairs, vault, and
 * demo balances. `npm run deploy:local -w contracts` deploys it to `hardhat node` and writes
 * deployments/<chainId>.json for the server and the web app.
 */
export default buildModule("BlockGuardian", (m) => {
  const { usd, gold, bill } = m.useModule(Tokens);
  const { dex } = m.useModule(OrderBookDEX);
  const { vault, strategy, source } = m.useModule(StrategyVault);

  for (let i = 0; i < DEMO_ACCOUNTS; i++) {
    const account = m.getAccount(i);
    m.call(usd, "mint", [account, 1_000_000n * 10n ** 6n], { id: `mint_dUSD_${i}` });
    m.call(gold, "mint", [account, 10_000n * 10n ** 18n], { id: `mint_TGLD_${i}` });
    m.call(bill, "mint", [account, 10_000n * 10n ** 18n], { id: `mint_TBILL_${i}` });
  }

  return { usd, gold, bill, dex, vault, strategy, source };
});
