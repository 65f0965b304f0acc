import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import Tokens from "./Tokens.js";

/**
 * The dUSD vault with its fixed-rate strategy and the yield source that pays it (5% a year by
 * default, funded with `sourceFunding` dUSD atoms). Performance fee 10% to the treasury;
 * accrued yield counts in the share price as it accrues; profit a harvest brings beyond it
 * reaches the share price over `profitUnlockTime` (default one day, at least one hour).
 * The vault and the strategy are exempt from dUSD's transfer fee: the vault refuses a deposit
 * that arrives short (VaultTransferFeeCharged), so without the exemption a fee on dUSD would
 * stop deposits (issue 18, V-4).
 */
export default buildModule("StrategyVault", (m) => {
  const { usd } = m.useModule(Tokens);
  const owner = m.getAccount(0);
  const treasury = m.getParameter("treasury", m.getAccount(1));

  const source = m.contract("FixedRateYieldSource", [usd, m.getParameter("rateBps", 500n), owner]);
  const vault = m.contract("StrategyVault", [usd, "BlockGuardian dUSD Vault", "bgdUSD", owner, treasury, m.getParameter("performanceFeeBps", 1_000n), m.getParameter("profitUnlockTime", 24n * 3600n)]);
  const strategy = m.contract("FixedRateStrategy", [usd, vault, source]);
  const allowed = m.call(source, "setBeneficiary", [strategy, true]);
  m.call(vault, "setStrategy", [strategy], { after: [allowed] });
  m.call(usd, "mint", [source, m.getParameter("sourceFunding", 1_000_000n * 10n ** 6n)], { id: "fundYieldSource" });
  m.call(usd, "setFeeExempt", [vault, true], { id: "exemptVault" });
  m.call(usd, "setFeeExempt", [strategy, true], { id: "exemptStrategy" });

  return { vault, strategy, source };
});
