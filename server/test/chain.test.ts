import fs from "node:fs";
import { expect } from "chai";
import { createPublicClient, createWalletClient, http, type PublicClient, type WalletClient, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { type RunningServer, startServer } from "../src/app/server";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/infra/logger";
import { assetTokenAbi, orderBookDexAbi } from "../src/chain/abis";
import { topics } from "../src/infra/pubsub";
import { type HardhatNode, startHardhatNode } from "./hardhat-node";
import { bearer, codeOf, gql, registerUser, startTestServer, subscribe, testEnv, type TestUser, wsClient } from "./helpers";

// Hardhat's well-known development keys (accounts #1 and #2 of every local node).
const BUYER = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const SELLER = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const STRANGER = privateKeyToAccount("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");

const CHALLENGE = `mutation ($a: String!) { walletChallenge(address: $a) { address message nonce expiresAt } }`;
const LINK = `mutation ($i: LinkWalletInput!) { linkWallet(input: $i) { address portfolioId balances { symbol quantity blockNumber } } }`;
const WALLETS = `{ wallets { address portfolioId balances { symbol quantity } } }`;
const PORTFOLIO = `query ($id: ID!) { portfolio(id: $id) { cashBalance totalValue unrealizedPnl positions { symbol source quantity marketPrice marketValue unrealizedPnl } } }`;
const VALUATION = `subscription ($p: ID!) { portfolioValuation(portfolioId: $p) { totalValue unrealizedPnl } }`;
const TRADES = `subscription ($s: String!) { trades(symbol: $s) { id symbol price quantity aggressorSide executedAt } }`;

interface Deployed {
  dex: Address;
  gold: Address;
  usd: Address;
  file: string;
}

describe("chain indexing against a hardhat node", function () {
  this.timeout(120_000);
  let node: HardhatNode;
  let rpcUrl: string;
  let deployed: Deployed;
  let chain: PublicClient;
  let server: RunningServer;
  let user: TestUser;
  let portfolioId: string;

  const startChainServer = () => startTestServer({ CHAIN_RPC_URL: rpcUrl, CHAIN_DEPLOYMENTS_FILE: deployed.file, CHAIN_POLL_INTERVAL_MS: "50" });
  const walletOf = (account: typeof BUYER): WalletClient => createWalletClient({ account, chain: hardhat, transport: http(rpcUrl) });

  /** One resting sell of the TGLD pair's minimum order (5 lots, 0.05 TGLD) by SELLER, taken by
   * BUYER: one OrderFilled. `price` is dUSD atoms per lot. */
  async function fillOneLot(price = 852_000n): Promise<void> {
    const LOTS = 5n;
    const send = async (account: typeof BUYER, write: (wallet: WalletClient) => Promise<Hex>) => {
      const hash = await write(walletOf(account));
      const receipt = await chain.waitForTransactionReceipt({ hash });
      expect(receipt.status).to.equal("success");
    };
    await send(SELLER, (w) => w.writeContract({ account: SELLER, chain: hardhat, address: deployed.gold, abi: assetTokenAbi, functionName: "approve", args: [deployed.dex, LOTS * 10n ** 16n] }));
    await send(SELLER, (w) => w.writeContract({ account: SELLER, chain: hardhat, address: deployed.dex, abi: orderBookDexAbi, functionName: "placeOrder", args: [1, false, price, LOTS, 0n, 0n] }));
    await send(BUYER, (w) => w.writeContract({ account: BUYER, chain: hardhat, address: deployed.usd, abi: assetTokenAbi, functionName: "approve", args: [deployed.dex, LOTS * price] }));
    await send(BUYER, (w) => w.writeContract({ account: BUYER, chain: hardhat, address: deployed.dex, abi: orderBookDexAbi, functionName: "placeOrder", args: [1, true, price, LOTS, 10n, 0n] }));
  }

  async function challenge(as: TestUser, address: string) {
    const { data, errors } = await gql(server, CHALLENGE, { a: address }, bearer(as.accessToken));
    if (errors) throw new Error(JSON.stringify(errors));
    return data!.walletChallenge as { address: string; message: string; nonce: string };
  }

  before(async () => {
    node = await startHardhatNode();
    rpcUrl = node.rpcUrl;
    const file = node.deploymentsFile;
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as { contracts: { OrderBookDEX: Address }; tokens: Record<string, { address: Address }> };
    deployed = { dex: record.contracts.OrderBookDEX, gold: record.tokens.TGLD.address, usd: record.tokens.dUSD.address, file };
    chain = createPublicClient({ chain: hardhat, transport: http(rpcUrl) }) as PublicClient;
    server = await startChainServer();
    // The node's accounts are the same every run; the suite's database outlives runs.
    await server.database.dataSource.query(`DELETE FROM wallets WHERE address = ANY($1)`, [[BUYER.address, SELLER.address, STRANGER.address]]);
    user = await registerUser(server);
    const created = await gql(server, `mutation ($i: CreatePortfolioInput!) { createPortfolio(input: $i) { id } }`, { i: { name: "On-chain" } }, bearer(user.accessToken));
    portfolioId = created.data!.createPortfolio.id;
  });

  after(async () => {
    await server?.stop();
    node?.stop();
  });

  it("when a wallet signs its challenge, then it is linked once; a replayed, foreign or wrong signature is refused", async () => {
    const wrong = await challenge(user, BUYER.address);
    const foreign = await STRANGER.signMessage({ message: wrong.message });
    const refused = await gql(server, LINK, { i: { address: BUYER.address, signature: foreign, portfolioId } }, bearer(user.accessToken));
    expect(codeOf(refused)).to.equal("BAD_USER_INPUT");

    // The refused attempt consumed that challenge: even the right signature of it no longer links.
    const lateRight = await BUYER.signMessage({ message: wrong.message });
    expect(codeOf(await gql(server, LINK, { i: { address: BUYER.address, signature: lateRight, portfolioId } }, bearer(user.accessToken)))).to.equal("BAD_USER_INPUT");

    // Someone else's portfolio is not the caller's to link to.
    const intruder = await registerUser(server);
    const intruderChallenge = await challenge(intruder, BUYER.address);
    const intruderLink = await gql(server, LINK, { i: { address: BUYER.address, signature: await BUYER.signMessage({ message: intruderChallenge.message }), portfolioId } }, bearer(intruder.accessToken));
    expect(codeOf(intruderLink)).to.equal("NOT_FOUND");

    const issued = await challenge(user, BUYER.address.toLowerCase());
    expect(issued.address).to.equal(BUYER.address);
    expect(issued.message).to.include(`Nonce: ${issued.nonce}`).and.include("Chain ID: 31337").and.include(BUYER.address);
    const signature = await BUYER.signMessage({ message: issued.message });
    const linked = await gql(server, LINK, { i: { address: BUYER.address, signature, portfolioId } }, bearer(user.accessToken));
    expect(linked.errors).to.equal(undefined);
    expect(linked.data!.linkWallet.address).to.equal(BUYER.address);
    expect(linked.data!.linkWallet.balances).to.deep.include.members([{ symbol: "TGLD", quantity: "10000", blockNumber: linked.data!.linkWallet.balances[0].blockNumber }]);

    const replayed = await gql(server, LINK, { i: { address: BUYER.address, signature, portfolioId } }, bearer(user.accessToken));
    expect(codeOf(replayed)).to.equal("BAD_USER_INPUT");

    const other = await registerUser(server);
    const otherPortfolio = await gql(server, `mutation ($i: CreatePortfolioInput!) { createPortfolio(input: $i) { id } }`, { i: { name: "Mine" } }, bearer(other.accessToken));
    const theirs = await challenge(other, BUYER.address);
    const stolen = await gql(
      server,
      LINK,
      { i: { address: BUYER.address, signature: await BUYER.signMessage({ message: theirs.message }), portfolioId: otherPortfolio.data!.createPortfolio.id } },
      bearer(other.accessToken),
    );
    expect(codeOf(stolen)).to.equal("CONFLICT");
    expect((await gql(server, WALLETS, {}, bearer(other.accessToken))).data!.wallets).to.deep.equal([]);
    expect((await gql(server, WALLETS, {}, bearer(user.accessToken))).data!.wallets.map((w: { address: string }) => w.address)).to.deep.equal([BUYER.address]);

    const audit = await server.database.dataSource.query(`SELECT event_type FROM audit_logs WHERE user_id = $1 AND entity_id = $2`, [user.id, BUYER.address]);
    expect(audit.map((row: { event_type: string }) => row.event_type)).to.deep.equal(["wallet.linked"]);
  });

  it("when an order fills on the DEX, then the fill streams on trades and the linked wallet's new balance is a position in the valuation", async () => {
    const client = wsClient(server, { connectionParams: { authorization: `Bearer ${user.accessToken}` } });
    const trades = subscribe(client, TRADES, { s: "TGLD" });
    const valuations = subscribe(client, VALUATION, { p: portfolioId });
    try {
      const before = (await gql(server, PORTFOLIO, { id: portfolioId }, bearer(user.accessToken))).data!.portfolio;
      const goldBefore = before.positions.find((p: { symbol: string }) => p.symbol === "TGLD");
      expect(goldBefore).to.deep.include({ source: "WALLET", quantity: "10000", unrealizedPnl: "0" });

      const seen = await subscribed(server, trades);
      await fillOneLot();
      const { trades: trade } = await trades.nth(seen + 1, 20_000);
      expect(trade).to.deep.include({ symbol: "TGLD", price: "85.2", quantity: "0.05", aggressorSide: "BUY" });

      const after = (await gql(server, PORTFOLIO, { id: portfolioId }, bearer(user.accessToken))).data!.portfolio;
      // The live stream counts the wallet too, to the unit the query does.
      let n = 0;
      for (;;) {
        const { portfolioValuation } = await valuations.nth(++n, 10_000);
        if (portfolioValuation.totalValue === after.totalValue) break;
      }
      const gold = after.positions.find((p: { symbol: string }) => p.symbol === "TGLD");
      expect(gold).to.deep.include({ source: "WALLET", quantity: "10000.05", unrealizedPnl: "0" });
      expect(multiply(gold.quantity, gold.marketPrice)).to.equal(gold.marketValue);
      const positionsValue = after.positions.reduce((sum: bigint, p: { marketValue: string }) => sum + toUnits(p.marketValue), 0n);
      expect(toUnits(after.totalValue)).to.equal(toUnits(after.cashBalance) + positionsValue);
      expect(after.cashBalance).to.equal("0");
    } finally {
      trades.dispose();
      valuations.dispose();
      await client.dispose();
    }
  });

  it("when the server restarts, then indexing resumes from the stored cursor without storing a fill twice", async () => {
    const stored = async () => (await server.database.dataSource.query(`SELECT count(*)::int AS n FROM chain_trades WHERE chain_id = 31337`))[0].n as number;
    expect(await stored()).to.equal(1);
    await server.stop();
    server = await startChainServer();

    const client = wsClient(server);
    const trades = subscribe(client, TRADES, { s: "TGLD" });
    try {
      const seen = await subscribed(server, trades);
      await fillOneLot(853_000n);
      // The first event after the restart is the new fill, not a replay of the old one.
      const { trades: trade } = await trades.nth(seen + 1, 20_000);
      expect(trade).to.deep.include({ price: "85.3", quantity: "0.05" });
      expect(await stored()).to.equal(2);
    } finally {
      trades.dispose();
      await client.dispose();
    }
  });

  it("when a wallet is unlinked, then its balances leave the portfolio and the audit trail records it", async () => {
    const unlinked = await gql(server, `mutation ($a: String!) { unlinkWallet(address: $a) }`, { a: BUYER.address }, bearer(user.accessToken));
    expect(unlinked.data!.unlinkWallet).to.equal(true);
    const portfolio = (await gql(server, PORTFOLIO, { id: portfolioId }, bearer(user.accessToken))).data!.portfolio;
    expect(portfolio.positions).to.deep.equal([]);
    expect(portfolio.totalValue).to.equal("0");
    expect(codeOf(await gql(server, `mutation ($a: String!) { unlinkWallet(address: $a) }`, { a: BUYER.address }, bearer(user.accessToken)))).to.equal("NOT_FOUND");
    const audit = await server.database.dataSource.query(`SELECT event_type FROM audit_logs WHERE user_id = $1 AND entity_id = $2 ORDER BY seq`, [user.id, BUYER.address]);
    expect(audit.map((row: { event_type: string }) => row.event_type)).to.deep.equal(["wallet.linked", "wallet.unlinked"]);
  });

  it("when a user has linked ten wallets, then an eleventh is refused as CONFLICT and the ten stay", async () => {
    const collector = await registerUser(server);
    const created = await gql(server, `mutation ($i: CreatePortfolioInput!) { createPortfolio(input: $i) { id } }`, { i: { name: "Wallets" } }, bearer(collector.accessToken));
    const link = async () => {
      const wallet = privateKeyToAccount(generatePrivateKey());
      const issued = await challenge(collector, wallet.address);
      const signature = await wallet.signMessage({ message: issued.message });
      return gql(server, LINK, { i: { address: wallet.address, signature, portfolioId: created.data!.createPortfolio.id } }, bearer(collector.accessToken));
    };
    for (let i = 0; i < 10; i++) expect((await link()).errors).to.equal(undefined);
    const eleventh = await link();
    expect(codeOf(eleventh)).to.equal("CONFLICT");
    expect(eleventh.errors![0].message).to.match(/At most 10 wallets/);
    expect((await gql(server, WALLETS, {}, bearer(collector.accessToken))).data!.wallets).to.have.length(10);
  });

  it("when a reorg takes an indexed fill's block away, then the fill is rolled back and the new chain is indexed", async () => {
    const rows = async () => (await server.database.dataSource.query(`SELECT price FROM chain_trades WHERE chain_id = 31337 ORDER BY block_number`)).map((r: { price: string }) => Number(r.price).toFixed(2));
    const snapshot = (await chain.request({ method: "evm_snapshot" as any, params: [] as any })) as Hex;
    const client = wsClient(server);
    const trades = subscribe(client, TRADES, { s: "TGLD" });
    try {
      const seen = await subscribed(server, trades);
      await fillOneLot(854_000n);
      await trades.nth(seen + 1, 20_000);
      expect(await rows()).to.deep.equal(["85.20", "85.30", "85.40"]);

      // The fork: the fill's block is replaced by another history where a different fill happens.
      await chain.request({ method: "evm_revert" as any, params: [snapshot] as any });
      await fillOneLot(855_000n);
      await chain.request({ method: "evm_mine" as any, params: [] as any });
      const { trades: replacement } = await trades.nth(seen + 2, 20_000);
      expect(replacement).to.deep.include({ price: "85.5" });
      expect(await rows()).to.deep.equal(["85.20", "85.30", "85.50"]);
    } finally {
      trades.dispose();
      await client.dispose();
    }
  });
});

describe("chain features without a chain", () => {
  it("when CHAIN_RPC_URL is unset, then the server says so once at start and wallet linking answers CONFLICT", async () => {
    const lines: Array<{ msg: string }> = [];
    const config = loadConfig(testEnv());
    const server = await startServer(config, createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) }));
    try {
      expect(lines.filter((line) => /chain features are off/.test(line.msg))).to.have.length(1);
      const user = await registerUser(server);
      const refused = await gql(server, `mutation { walletChallenge(address: "${BUYER.address}") { nonce } }`, {}, bearer(user.accessToken));
      expect(codeOf(refused)).to.equal("CONFLICT");
      expect((await gql(server, `{ wallets { address } }`, {}, bearer(user.accessToken))).data!.wallets).to.deep.equal([]);
    } finally {
      await server.stop();
    }
  });
});

/** Decimal strings multiplied exactly, then rounded half-even to 10 places (as valuation does). */
function multiply(a: string, b: string): string {
  const product = toUnits(a) * toUnits(b);
  const one = 10n ** 10n;
  let q = product / one;
  const r = product % one;
  if (r * 2n > one || (r * 2n === one && q % 2n === 1n)) q += 1n;
  return fromUnits(q);
}

function toUnits(decimal: string): bigint {
  const [whole, fraction = ""] = decimal.split(".");
  return BigInt(whole) * 10n ** 10n + BigInt(fraction.padEnd(10, "0"));
}

function fromUnits(units: bigint): string {
  const whole = units / 10n ** 10n;
  const fraction = (units % 10n ** 10n).toString().padStart(10, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/**
 * Resolves once the subscription receives events: a probe trade is published until one
 * arrives (a Redis SUBSCRIBE completes after the GraphQL subscribe does). Returns how many
 * events the subscription has seen, so chain fills are the ones after that.
 */
async function subscribed(server: RunningServer, sub: { events: unknown[] }): Promise<number> {
  const probe = { id: "00000000-0000-0000-0000-000000000000", symbol: "TGLD", price: "1", quantity: "1", aggressorSide: "BUY" as const, executedAt: new Date(0).toISOString(), sequence: "probe" };
  while (sub.events.length === 0) {
    await server.pubsub.publish(topics.trades("TGLD"), probe);
    if (sub.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return sub.events.length;
}
