import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * The demo's tokens: a dollar quote token and two tokenized assets whose symbols match the
 * server's TOKENIZED instruments (TGLD, TBILL). Account 0 administers them; fees go to the
 * `treasury` parameter (default: account 1).
 */
export default buildModule("Tokens", (m) => {
  const admin = m.getAccount(0);
  const treasury = m.getParameter("treasury", m.getAccount(1));

  const usd = m.contract("AssetToken", ["Demo Dollar", "dUSD", 6, admin, treasury, 0n], { id: "dUSD" });
  const gold = m.contract("AssetToken", ["Tokenized Gold (1 gram)", "TGLD", 18, admin, treasury, m.getParameter("goldFeeBps", 25n)], {
    id: "TGLD",
  });
  const bill = m.contract("AssetToken", ["Tokenized US Treasury Bill Fund", "TBILL", 18, admin, treasury, 0n], { id: "TBILL" });

  return { usd, gold, bill };
});
