import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import OrderBookDEX from "./OrderBookDEX.js";
import StrategyVault from "./StrategyVault.js";
import Tokens from "./Tokens.js";

/** Demo balances for the first five accounts of a local node (the ones users link in the demo). */
const DEMO_ACCOUNTS = 5;

/**
 * Everything the platform runs on a local chain: tokens, order book with pairs, vault, demo
 * balances, and the audit anchor. `npm run deploy:local -w contracts` deploys it to `hardhat
 * node` and writes deployments/<chainId>.json for the server and the web app.
 */
export default buildModule("BlockGuardian", (m) => {
  const { usd, gold, bill } = m.useModule(Tokens);
  const { dex } = m.useModule(OrderBookDEX);
  const { vault, strategy, source } = m.useModule(StrategyVault);

  const mints = [];
  for (let i = 0; i < DEMO_ACCOUNTS; i++) {
    const account = m.getAccount(i);
    mints.push(m.call(usd, "mint", [account, 1_000_000n * 10n ** 6n], { id: `mint_dUSD_${i}` }));
    mints.push(m.call(gold, "mint", [account, 10_000n * 10n ** 18n], { id: `mint_TGLD_${i}` }));
    mints.push(m.call(bill, "mint", [account, 10_000n * 10n ** 18n], { id: `mint_TBILL_${i}` }));
  }

  // Owned by the account that anchors (parameter `anchorOwner`, default the deployer: npm
  // start's server anchors with the local node's account #0). Deployed last, so the other
  // contracts keep the addresses a local node has always given them (ignition/deployments,
  // the committed deployments file and the generated ABIs name them).
  const auditAnchor = m.contract("AuditAnchor", [m.getParameter("anchorOwner", m.getAccount(0))], { after: [...mints, Tokens, OrderBookDEX, StrategyVault] });

  return { usd, gold, bill, dex, vault, strategy, source, auditAnchor };
});
