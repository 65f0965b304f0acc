import { type DemoLogin, Session } from "../identity";
import { Role } from "../infra/auth";
import type { Services } from "./context";

/** What the demo trader starts with, so a fresh `npm start` can trade at once. */
const DEMO_CASH = "100000.00";

/**
 * Gives the demo trader a funded portfolio the first time the demo accounts exist. It goes
 * through the same services as a customer would (the deposit is on the ledger and audited).
 */
export async function fundDemoTrader(services: Services, logins: DemoLogin[], userIdOf: (email: string) => Promise<string | null>): Promise<void> {
  const trader = logins.find((login) => login.roles.includes(Role.TRADER));
  const userId = trader && (await userIdOf(trader.email));
  if (!userId) return;
  const session = new Session({ kind: "user", userId, roles: [Role.TRADER], tokenId: "demo-seed", expiresAt: new Date(Date.now() + 60_000) }, "127.0.0.1");
  if ((await services.portfolios.list(session)).length > 0) return;
  const portfolio = await services.portfolios.create(session, { name: "Demo", description: "Funded at first start" });
  await services.ledger.deposit(session, portfolio.id, DEMO_CASH);
}
