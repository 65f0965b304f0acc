import { expect } from "chai";
import type { RunningServer } from "../src/app/server";
import { bearer, codeOf, gql, registerUser, startTestServer } from "./helpers";

const RATE = `{ rateLimit { limit remaining resetAt lastQueryCost } }`;

describe("the rate-limit budget as a client sees it", () => {
  let server: RunningServer;
  before(async () => {
    // A small bucket that refills slowly, so a test can empty it; the defaults are documented in docs/partners.md.
    server = await startTestServer({ RATE_LIMIT_CAPACITY: "60", RATE_LIMIT_RESTORE_PER_SECOND: "1" });
  });
  after(() => server?.stop());

  const restoreRate = async (token: string) => {
    const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...bearer(token) }, body: JSON.stringify({ query: "{ me { id } }" }) });
    return ((await response.json()) as { extensions: { cost: { throttleStatus: { restoreRate: number } } } }).extensions.cost.throttleStatus.restoreRate;
  };

  it("when a caller asks for rateLimit, then it hears its limit, what remains after this query, when the bucket is full again, and what the query cost", async () => {
    const user = await registerUser(server);
    const first = (await gql(server, RATE, {}, bearer(user.accessToken))).data!.rateLimit;
    expect(first.limit).to.equal(60);
    expect(first.lastQueryCost).to.be.within(1, 10);
    expect(first.remaining).to.be.at.most(60 - first.lastQueryCost);
    const missing = 60 - first.remaining;
    expect(Date.parse(first.resetAt) - Date.now()).to.be.within((missing - 2) * 1000, missing * 1000 + 1000);
    const anonymous = (await gql(server, RATE)).data!.rateLimit;
    expect(anonymous.limit).to.equal(60);
  });

  it("when a caller is refused once for its rate and a few times for its input, then its refill is not slowed", async () => {
    const user = await registerUser(server);
    const before = await restoreRate(user.accessToken);
    let refused = 0;
    while (refused === 0) {
      const response = await gql(server, `{ me { id email firstName lastName country roles kycStatus } }`, {}, bearer(user.accessToken));
      if (codeOf(response) === "RATE_LIMITED") refused++;
    }
    for (let i = 0; i < 3; i++) {
      const bad = await gql(server, `mutation ($p: ID!) { deposit(portfolioId: $p, amount: "-1") { id } }`, { p: "00000000-0000-4000-8000-000000000000" }, bearer(user.accessToken));
      expect(codeOf(bad)).to.be.oneOf(["BAD_USER_INPUT", "RATE_LIMITED"]);
    }
    // Wait for the bucket to hold a query again: the refill rate it reports is the unslowed one.
    let after: number | null = null;
    while (after === null) {
      const response = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...bearer(user.accessToken) }, body: JSON.stringify({ query: "{ me { id } }" }) });
      const body = (await response.json()) as { errors?: unknown[]; extensions: { cost: { throttleStatus: { restoreRate: number } | null } } };
      if (body.extensions.cost.throttleStatus) after = body.extensions.cost.throttleStatus.restoreRate;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(after).to.equal(before);
  });
});
