import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { topics } from "../src/infra/pubsub";
import { bearer, gql, registerUser, startTestServer, tempDir, type TestUser } from "./helpers";

const run = promisify(execFile);
const GUIDE = path.resolve(__dirname, "../../docs/partners");

/** The partner guide's resume scripts (docs/partners/), run as a partner would, against a real server. */
describe("partner guide: the resume scripts", () => {
  let server: RunningServer;
  let owner: TestUser;
  let portfolioId: string;
  let apiKey: string;

  before(async () => {
    server = await startTestServer({ RATE_LIMIT_CAPACITY: "100000", PRICE_BAND_BPS: "10000" });
    owner = await registerUser(server);
    portfolioId = (await gql(server, `mutation { createPortfolio(input: { name: "Partner" }) { id } }`, {}, bearer(owner.accessToken))).data!.createPortfolio.id;
    await gql(server, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "10000") { id } }`, { p: portfolioId }, bearer(owner.accessToken));
    apiKey = (await gql(server, `mutation { createApiKey(name: "guide", scopes: ["read:orders"]) { secret } }`, {}, bearer(owner.accessToken))).data!.createApiKey.secret;
    await server.pubsub.publish(topics.quotes("MSFT"), { symbol: "MSFT", bid: null, ask: null, last: "400", timestamp: new Date().toISOString() });
    while (server.services.marketData.lastPrice("MSFT") !== "400") await new Promise((resolve) => setTimeout(resolve, 5));
  });
  after(() => server?.stop());

  /** Rests `count` buys far below the market: one NEW event each. */
  async function placeBuys(count: number) {
    for (let i = 0; i < count; i++) {
      const response = await gql(
        server,
        `mutation ($i: PlaceOrderInput!) { placeOrder(input: $i) { id } }`,
        { i: { portfolioId, symbol: "MSFT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", limitPrice: String(10 + i) } },
        bearer(owner.accessToken),
      );
      if (response.errors) throw new Error(JSON.stringify(response.errors));
    }
  }

  const env = (stateFile: string, maxEvents: number) => ({ ...process.env, BG_URL: server.url, BG_API_KEY: apiKey, BG_STATE_FILE: stateFile, BG_MAX_EVENTS: String(maxEvents) });
  const sequences = (stdout: string) => stdout.trim().split("\n").map((line) => JSON.parse(line).sequence as string);

  it("when the Node script and then the Python script follow the stream, each resumes after the last sequence the other saved, with no gap", async function () {
    this.timeout(60_000);
    const state = path.join(tempDir("bg-partner-"), "sequence");
    await placeBuys(3);
    // A new user's stream from its very first event: resume after "0" (without a state file the script follows live events only).
    writeFileSync(state, "0");
    const node = await run(process.execPath, [path.join(GUIDE, "resume-orders.mjs")], { env: env(state, 3), timeout: 30_000 }).catch(async (error) => {
      throw new Error(`node script failed: ${error.stderr ?? error}`);
    });
    expect(sequences(node.stdout)).to.deep.equal(["1", "2", "3"]);
    // While nobody listens, two more orders; the Python script resumes from the saved sequence.
    await placeBuys(2);
    const python = await run("/usr/bin/python3", [path.join(GUIDE, "resume_orders.py")], { env: env(state, 2), timeout: 30_000 }).catch(async (error) => {
      throw new Error(`python script failed: ${error.stderr ?? error}`);
    });
    expect(sequences(python.stdout)).to.deep.equal(["4", "5"]);
  });
});
