import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { type DocumentNode, type FragmentDefinitionNode, getNamedType, isLeafType, isObjectType, Kind, type OperationDefinitionNode, parse } from "graphql";
import { isConnectionPart, isListField, operationCost } from "../src/app/abuse/query-cost";
import { getSchema } from "../src/app/schema";
import { loadConfig, REPO_ROOT } from "../src/config";
import { testEnv } from "./helpers";

/**
 * What each screen of the web app asks for when it first loads, for one signed-in user, with
 * the variables its components send (the component named beside each). Issue 16: a trader
 * going from a portfolio to the trade screen ran out of budget; every screen must now cost at
 * most a third of the default budget, priced by the rows it asks for with the instruments the
 * migrations list (LISTED), and the walk less than all of it.
 */
const LISTED = 14;
const ID = "00000000-0000-4000-8000-000000000000";
const SHELL: Array<[string, Record<string, unknown>]> = [["FillNotifications", {}]]; // app/Shell.tsx -> FillToasts
const SCREENS: Record<string, Array<[string, Record<string, unknown>]>> = {
  portfolios: [["Portfolios", {}]],
  portfolio: [
    ["PortfolioDetail", { id: ID }], // PortfolioDashboard
    ["PortfolioValuation", { portfolioId: ID }],
    ["PortfolioOrderActivity", { portfolioId: ID }],
    ["AllocationInstruments", {}], // AllocationEditor
    ["PortfolioTransactions", { id: ID, first: 10 }], // TransactionHistory (PAGE)
    ["PortfolioReturns", { portfolioId: ID, from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z" }], // PortfolioReturns
  ],
  trade: [
    ["TradeInstruments", {}], // TradePage
    ["TradePortfolios", {}],
    ["TradeQuote", { symbols: ["AAPL"] }],
    ["TradeAccount", { id: ID }], // AccountStrip
    ["TradeValuation", { portfolioId: ID }],
    ["AccountFills", { portfolioId: ID }],
    ["PriceHistory", { symbol: "AAPL", from: "2026-01-01T00:00:00.000Z", limit: 120 }], // PriceChart (two hours of minutes)
    ["TradesTape", { symbol: "AAPL" }],
    ["TradeQuote", { symbols: ["AAPL"] }],
    ["OrderBookDepth", { symbol: "AAPL", depth: 10 }], // OrderBook
    ["OrderBookLive", { symbol: "AAPL", depth: 10 }],
    ["TradesTape", { symbol: "AAPL" }], // TradesTape
    ["OpenOrders", { portfolioId: ID }], // Blotter (the fills page loads when its tab is opened)
    ["OrderUpdates", { portfolioId: ID }],
    ["MarketDataStatus", {}], // MarketDataBadge
    ["MarketDataStatusChanged", {}],
  ],
  markets: [
    ["Instruments", {}], // InstrumentsTable
    ["Quotes", { symbols: ["AAPL", "MSFT", "BTC-USD", "ETH-USD", "EUR-USD", "SPY", "TSLA", "NVDA"] }],
    ["MarketDays", {}], // every row's last 24 hours (open, volume, hourly closes) in one request
  ],
  account: [
    ["Me", {}], // AccountPage
    ["ApiKeys", {}],
    ["Webhooks", {}],
  ],
  verification: [["MyKyc", {}]],
  wallet: [
    ["LinkedWallets", {}],
    ["WalletPortfolios", {}],
  ],
  compliance: [["KycReviewQueue", { status: "MANUAL_REVIEW" }]], // ReviewQueue, the first tab
  cases: [["Cases", { first: 7 }]], // Cases (PAGE)
  customer: [["Customer", { userId: ID }]], // CustomerPage
  audit: [["AuditLog", { first: 15 }]], // AuditPage (PAGE)
  analytics: [
    ["AnalyticsInstruments", {}], // AnalyticsPage
    ["AnalyticsPortfolios", { first: 20 }], // PortfolioList (PAGE)
  ],
};
/** Asked for on a user's action, not on a screen's load (a tab, a button, typing a name). */
const ON_DEMAND = new Set(["OrderHistory", "InstrumentPerformance", "PortfolioPerformance", "Backtest", "CorrelationMatrix", "OrderFills", "VerifyAuditChain", "ScreenName", "SanctionsLists", "FindPeople", "RegulatoryReport", "RegulatoryReportContent"]);

function webOperations(): { operations: Map<string, OperationDefinitionNode>; fragments: FragmentDefinitionNode[] } {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".graphql")) files.push(full);
    }
  };
  walk(path.join(REPO_ROOT, "web", "src"));
  const definitions = files.flatMap((file) => parse(fs.readFileSync(file, "utf8")).definitions);
  const operations = new Map(
    definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation !== "mutation").map((d) => [d.name!.value, d]),
  );
  return { operations, fragments: definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION) };
}

describe("the web app's screens within the rate-limit budget", () => {
  const { operations, fragments } = webOperations();
  const budget = loadConfig(testEnv()).limits.capacity;

  async function screenCost(screen: string): Promise<number> {
    const schema = await getSchema();
    let total = 0;
    for (const [name, variables] of [...SHELL, ...SCREENS[screen]]) {
      const operation = operations.get(name);
      if (!operation) throw new Error(`${screen}: the web app has no operation ${name}`);
      const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
      total += operationCost(schema, document, variables, name, { instruments: LISTED });
    }
    return total;
  }

  it("when the web app's queries and subscriptions are read, then each is loaded by a screen here or only on demand", () => {
    const listed = new Set([...SHELL, ...Object.values(SCREENS).flat()].map(([name]) => name));
    expect([...operations.keys()].filter((name) => !listed.has(name) && !ON_DEMAND.has(name))).to.deep.equal([]);
  });

  it("when each screen first loads, then it costs at most a third of the budget", async () => {
    const costs: Record<string, number> = {};
    for (const screen of Object.keys(SCREENS)) costs[screen] = await screenCost(screen);
    const over = Object.entries(costs).filter(([, cost]) => cost > Math.floor(budget / 3));
    expect(over, JSON.stringify(costs)).to.deep.equal([]);
  });

  it("when a trader goes from a portfolio to the trade screen and back (issue 16's walk), then the budget is not spent", async () => {
    const walk = (await screenCost("portfolios")) + (await screenCost("portfolio")) + (await screenCost("trade")) + (await screenCost("portfolio"));
    expect(walk).to.be.lessThan(budget);
  });
});

describe("pricing the schema by rows", () => {
  it("when every list of objects in the schema is read, then each is paged, part of a connection, or declares its bound", async () => {
    const schema = await getSchema();
    const unpriced: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields())) {
        if (!isListField(field) || isLeafType(getNamedType(field.type))) continue;
        if (field.args.some((arg) => arg.name === "first") || isConnectionPart(type.name, field.name) || field.extensions.complexity) continue;
        unpriced.push(`${type.name}.${field.name}`);
      }
    }
    expect(unpriced).to.deep.equal([]);
  });

  it("when bars are asked for, then each bar priceHistory may return is a row: the limit, else the bar starts in [from, to), else the default 60", async () => {
    const schema = await getSchema();
    const price = (query: string) => operationCost(schema, parse(query), {}, undefined, { instruments: LISTED });
    expect(price(`{ priceHistory(symbol: "AAPL", limit: 120) { close } }`)).to.equal(120);
    expect(price(`{ priceHistory(symbol: "AAPL", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", interval: HOUR_1) { close } }`)).to.equal(25);
    expect(price(`{ priceHistory(symbol: "AAPL", from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z") { close } }`)).to.equal(1440);
    expect(price(`{ priceHistory(symbol: "AAPL") { close } }`)).to.equal(60);
  });
});
