/** Those who hold money here: only they may open portfolios, trade and link wallets. */
export const TRADING: readonly string[] = ["TRADER", "PARTNER"];

/**
 * Where a signed-in user lands: the first screen their roles can use (a trader's portfolios, an
 * analyst's analytics, an officer's compliance desk, an admin's audit log), never one that would
 * refuse them.
 */
export function landingFor(roles: readonly string[]): string {
  if (roles.some((role) => TRADING.includes(role))) return "/portfolios";
  if (roles.includes("ANALYST")) return "/analytics";
  if (roles.includes("COMPLIANCE_OFFICER")) return "/compliance";
  if (roles.includes("ADMIN")) return "/audit";
  return "/markets";
}
