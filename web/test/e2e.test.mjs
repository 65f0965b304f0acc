import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import Redis from "ioredis";
import { artifacts, buildApp, channel, createUser, gql, launchBrowser, passportFor, primeMarket, startServer, totp, totpStepNow } from "./harness.mjs";

// One server (with the built-in market maker, prices injected through Redis as a feed would)
// and one browser for the whole walk; each test continues where the previous one left off, as
// a user would: register, secure the account, fund it, trade, explore the API.
describe("web app in headless Chromium", function () {
  let server;
  let browser;
  let page;
  let redis;
  const user = { email: `e2e-${Date.now()}@example.com`, password: "a long secret phrase 42" };
  let mfaSecret;
  let confirmedStep;
  const officer = { email: `officer-${Date.now()}@example.com`, password: "another long secret 42" };
  let officerContext;
  let officerPage;
  let traderId;
  /** The server's DATA_DIR: with no SMTP_URL, reset mail lands in its outbox/. */
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bg-e2e-"));
  /** Chromium reports every blocked script, style, worker or connection on the console. */
  const cspViolations = [];
  const watchCsp = (target) =>
    target.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${target.url()}: ${message.text()}`);
    });

  /**
   * Presses GraphiQL's run button until `answered` shows. A press before GraphiQL is ready does
   * nothing, so it presses again whenever the button offers "Execute" (not "Stop", which means
   * the operation is running: a query waiting for its rate-limit budget, a subscription streaming).
   */
  async function runUntil(answered, during = async () => {}) {
    const button = page.locator(".graphiql-execute-button");
    for (let round = 0; !(await answered.count()); round++) {
      if (round > 300) throw new Error("the playground never answered");
      if ((await button.getAttribute("aria-label"))?.startsWith("Execute")) await button.click();
      await during();
      await answered.waitFor({ timeout: 300 }).catch(() => {});
    }
  }

  /**
   * Every screen is checked twice where it stands: axe-core at the WCAG 2.1 A and AA rules, and
   * a phone's width (390 px) with nothing wider than the window. axe runs through the DevTools
   * protocol (page.evaluate), which the app's Content Security Policy does not govern, so no
   * script tag is added to the page and the CSP check below stays meaningful.
   */
  const a11yViolations = [];
  const narrowOverflows = [];
  async function checkScreen(target, name, { narrow = true, exclude = [] } = {}) {
    await target.evaluate(AXE_SOURCE);
    const violations = await target.evaluate(async (excluded) => {
      const result = await window.axe.run({ include: [["body"]], exclude: excluded.map((selector) => [selector]) }, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] });
      return result.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
    }, exclude);
    for (const violation of violations) a11yViolations.push(`${name}: ${violation}`);
    if (!narrow) return;
    const wide = target.viewportSize();
    await target.setViewportSize({ width: 390, height: 844 });
    try {
      const width = await target.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(document.documentElement.scrollWidth)))));
      await target.screenshot({ path: path.join(artifacts, `narrow-${name}.png`), fullPage: true });
      if (width > 390) narrowOverflows.push(`${name}: ${width} px (${(await widestElements(target)).join(", ")})`);
    } finally {
      await target.setViewportSize(wide);
    }
  }

  const shot = (name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  const officerShot = (name) => officerPage.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

  before(async function () {
    if (!process.env.REDIS_URL) throw new Error("REDIS_URL must be set: the test injects quotes through Redis");
    const distDir = await buildApp();
    server = await startServer(distDir, { MARKET_MAKER: "true", VALUATION_PUBLISH_INTERVAL_MS: "100", DATA_DIR: dataDir });
    redis = new Redis(process.env.REDIS_URL);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    watchCsp(page);
    fs.mkdirSync(artifacts, { recursive: true });
    if (process.env.E2E_TRACE) {
      page.on("response", async (r) => {
        if (!r.url().endsWith("/graphql")) return;
        const body = await r.json().catch(() => null);
        console.log("  graphql", r.status(), JSON.parse(r.request().postData() ?? "{}").operationName, body?.extensions?.cost?.requestedQueryCost, body?.extensions?.cost?.throttleStatus?.currentlyAvailable, body?.errors?.[0]?.message ?? "");
      });
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page) await shot(`failed-${this.currentTest.title.slice(5, 60).replace(/\W+/g, "-")}`).catch(() => {});
    if (this.currentTest?.state === "failed" && officerPage) await officerShot(`failed-officer-${this.currentTest.title.slice(5, 60).replace(/\W+/g, "-")}`).catch(() => {});
  });

  after(async () => {
    await officerContext?.close();
    await browser?.close();
    redis?.disconnect();
    await server?.stop();
  });

  it("when the markets screen opens, then it lists the instruments through the generated hook and shows a live connection", async () => {
    await page.goto(`${server.url}/markets`);
    await page.locator('[data-testid="instruments"] tbody tr').nth(8).waitFor();
    const symbols = await page.locator('[data-testid="instruments"] tbody th').allTextContents();
    expect(symbols).to.include.members(["AAPL", "MSFT", "NVDA", "AMZN", "BTC-USD", "ETH-USD", "SOL-USD", "TGLD", "TBILL"]);
    await page.getByTestId("connection-state").filter({ hasText: "Live" }).waitFor();
  });

  it("when a quote is published, then the row's last price changes without a reload", async () => {
    const cell = page.locator('tr[data-symbol="AAPL"] [data-testid="last-price"]');
    const quote = JSON.stringify({ symbol: "AAPL", bid: "230.1", ask: "230.14", last: "230.1", timestamp: new Date().toISOString() });
    // The browser's subscription may still be starting: publish until it shows, awaiting the DOM.
    // The wire carries "230.1"; the screen shows it to the tick: "230.10".
    while ((await cell.textContent()) !== "230.10") {
      await redis.publish(channel("quotes.AAPL"), quote);
      await cell.filter({ hasText: "230.10" }).waitFor({ timeout: 200 }).catch(() => {});
    }
    await shot("markets");
    await checkScreen(page, "markets");
  });

  it("when a visitor registers, then they are signed in and land on their (empty) portfolios", async () => {
    await page.goto(`${server.url}/portfolios`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot("login");
    await checkScreen(page, "login");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("First name").fill("Ada");
    await page.getByLabel("Last name").fill("Lovelace");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await shot("register");
    await checkScreen(page, "register");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("No portfolio yet").waitFor();
    expect(await page.getByTestId("signed-in-as").textContent()).to.equal("Ada");
    await checkScreen(page, "portfolios");
  });

  it("when MFA is turned on with a code from the QR key, then backup codes are shown once", async () => {
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
    mfaSecret = await page.getByTestId("mfa-secret").textContent();
    expect(await page.getByAltText("QR code for your authenticator app").getAttribute("src")).to.match(/^data:image\/png;base64,/);
    await shot("account-mfa");
    await checkScreen(page, "account");
    confirmedStep = totpStepNow();
    await page.getByLabel("First code from the app").fill(totp(mfaSecret, confirmedStep));
    await page.getByRole("button", { name: "Confirm and turn on" }).click();
    await page.getByTestId("backup-codes").waitFor();
    const codes = await page.getByTestId("backup-codes").locator("li").allTextContents();
    expect(codes).to.have.length(10);
    await shot("account-backup-codes");
    await page.getByRole("button", { name: "I have saved them" }).click();
    await page.getByTestId("mfa-status").filter({ hasText: "is on" }).waitFor();
  });

  it("when the user signs out and in again, then a TOTP code is asked for and completes the sign-in", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Two-factor check" }).waitFor();
    // A code works once: the next time step (within the server's one-step drift allowance).
    await page.getByLabel("Code").fill(totp(mfaSecret, Math.max(confirmedStep + 1, totpStepNow())));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { name: "Portfolios" }).waitFor();
    expect(await page.getByTestId("signed-in-as").textContent()).to.equal("Ada");
  });

  it("when a trader submits a passport of a high-risk nationality, then every check is shown and it waits in manual review", async () => {
    await page.goto(`${server.url}/verification`);
    await page.getByTestId("kyc-status").filter({ hasText: "Not started" }).waitFor();
    expect(await page.getByTestId("kyc-name").textContent()).to.equal("Ada Lovelace");
    const passport = passportFor("Ada", "Lovelace", { nationality: "IRN" });
    await page.getByLabel("Document number").fill(passport.documentNumber);
    await page.getByLabel(/Machine-readable zone/).fill(passport.mrz);
    await page.getByLabel("Date of birth").fill(passport.dateOfBirth);
    await page.getByLabel("Nationality").fill(passport.nationality);
    await page.getByLabel("Issuing country").fill(passport.issuingCountry);
    await page.getByLabel("Expiry date").fill(passport.expiryDate);
    await page.getByRole("button", { name: "Submit for verification" }).click();
    await page.getByTestId("kyc-status").filter({ hasText: "In review" }).waitFor();
    const risk = page.locator('[data-check="country_risk"]');
    expect(await risk.textContent()).to.contain("failed").and.contain("high-risk jurisdiction: IR");
    expect(await page.locator('[data-check="mrz_check_digit_composite"]').textContent()).to.contain("passed");
    expect(await page.getByRole("button", { name: "Submit for verification" }).count()).to.equal(0);
    await shot("kyc");
    await checkScreen(page, "verification");
    traderId = await page.evaluate(() => JSON.parse(localStorage.getItem("bg.session")).user.id);
  });

  it("when a compliance officer approves it in the review queue, then the trader sees VERIFIED (and the compliance entry is the officer's alone)", async () => {
    expect(await page.getByRole("link", { name: "Compliance" }).count(), "a trader has no compliance entry").to.equal(0);
    await createUser({ ...officer, role: "COMPLIANCE_OFFICER", firstName: "Olive", lastName: "Officer" });
    officerContext = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
    officerPage = await officerContext.newPage();
    watchCsp(officerPage);
    await officerPage.goto(`${server.url}/login`);
    await officerPage.getByLabel("Email").fill(officer.email);
    await officerPage.getByLabel("Password").fill(officer.password);
    await officerPage.getByRole("button", { name: "Sign in" }).click();
    await officerPage.getByRole("link", { name: "Compliance" }).click();
    // The queue names the customer (linking to their file) rather than showing an id.
    const item = officerPage.locator("[data-verification-id]").filter({ has: officerPage.locator(`a[href="/compliance/customers/${traderId}"]`) });
    expect(await item.getByRole("link").textContent()).to.equal("Ada Lovelace");
    await item.getByText("high-risk jurisdiction: IR").waitFor();
    await item.getByLabel("Reason for the decision").fill("Dual national resident in the EU; source of funds documented");
    await officerShot("compliance-review");
    await checkScreen(officerPage, "compliance-review");
    await item.getByRole("button", { name: "Approve" }).click();
    await item.waitFor({ state: "detached" });
    await officerPage.getByTestId("toast-success").filter({ hasText: "Verification approved" }).waitFor();

    await page.reload();
    await page.getByTestId("kyc-status").filter({ hasText: "Verified" }).waitFor();
    expect(await page.getByTestId("kyc-reason").textContent()).to.equal("Dual national resident in the EU; source of funds documented");
    // Verified, the trader may now deposit and trade past the unverified limits (the next tests).
    await page.getByRole("link", { name: "Portfolios" }).click();
  });

  it("when a portfolio is created and cash deposited, then the balance and the transaction history show it", async () => {
    await page.getByLabel("Name").fill("Main");
    await page.getByRole("button", { name: "Create" }).click();
    await page.getByTestId("total-value").waitFor();
    await page.getByLabel("Amount (USD)").fill("50000");
    await page.getByRole("button", { name: "Deposit" }).click();
    await page.getByTestId("available-cash").filter({ hasText: "50,000.00" }).waitFor();
    await page.getByTestId("transactions").getByText("deposit").waitFor();
    await page.getByTestId("toast-success").filter({ hasText: "Deposit booked" }).waitFor();
  });

  it("when a market order fills against the market maker, then the fill toast, the position and the valuation change without a reload", async () => {
    await primeMarket(server.url, redis, "ETH-USD", "3000");
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    await page.getByRole("link", { name: "Trade", exact: true }).first().click();
    await page.getByTestId("instrument-picker").selectOption("ETH-USD");
    await page.getByTestId("order-book").waitFor();
    const value = page.getByTestId("strip-total-value");
    await value.filter({ hasText: "50,000.00" }).waitFor();
    await page.getByLabel("Order type").selectOption("MARKET");
    await page.getByLabel("Quantity").fill("1");
    await page.getByRole("button", { name: "Review buy order" }).click();
    // Nothing is sent before the confirmation: the preview prices it at the maker's ask.
    await page.getByTestId("order-preview").waitFor();
    expect(await page.getByTestId("preview-notional").textContent()).to.match(/^3,0\d\d\.\d\d$/);
    expect(await page.getByTestId("preview-buying-power").textContent()).to.match(/^4\d,\d{3}\.\d\d$/);
    await page.getByRole("button", { name: "Buy ETH-USD" }).click();

    await page.getByTestId("toast-success").filter({ hasText: /^Bought 1 ETH-USD at 30\d\d(\.\d+)?/ }).waitFor();
    await page.getByTestId("strip-position").filter({ hasText: /^1$/ }).waitFor();
    // Bought at the maker's ask and valued at the last trade, less the fee: the value moves.
    await page.waitForFunction(() => document.querySelector('[data-testid="strip-total-value"]')?.textContent !== "50,000.00");
    await page.getByRole("tab", { name: /Fills \(1\)/ }).click();
    await page.locator("tr[data-fill-id]").first().waitFor();
    await shot("trade");
    await checkScreen(page, "trade");

    await page.getByRole("link", { name: "Portfolios" }).click();
    await page.getByRole("link", { name: "Main" }).click();
    const row = page.locator('[data-testid="positions"] tr[data-symbol="ETH-USD"]');
    expect(await row.getByTestId("position-quantity").textContent()).to.equal("1");
    expect(await page.getByTestId("total-value").textContent()).not.to.contain("50,000.00");
    await page.getByTestId("transactions").getByText("buy", { exact: true }).waitFor();
    await shot("portfolio");
    await checkScreen(page, "portfolio");
    expect(await page.evaluate(() => window.__sameDocument)).to.equal(true);
  });

  it("when a limit order is previewed, placed and modified, and a bracket placed, then Cancel all cancels both, the history shows them, and Close position sells the holding", async () => {
    await page.getByRole("link", { name: "Trade", exact: true }).first().click();
    await page.getByTestId("instrument-picker").selectOption("ETH-USD");
    await page.getByLabel("Order type").selectOption("LIMIT");
    await page.getByLabel("Quantity").fill("0.5");
    await page.getByLabel("Limit price").fill("2900");
    await page.getByRole("button", { name: "Review buy order" }).click();
    // 0.5 × 2,900.00 and the fee at the taker rate (0.10%), as money.
    expect(await page.getByTestId("preview-notional").textContent()).to.equal("1,450.00");
    expect(await page.getByTestId("preview-fee").textContent()).to.equal("1.45");
    await page.getByRole("button", { name: "Buy ETH-USD" }).click();
    const row = page.locator('[data-testid="open-orders"] tr[data-order-id]').first();
    await row.waitFor();
    expect(await row.getByTestId("filled").textContent()).to.equal("0 / 0.5");

    await row.getByRole("button", { name: "Modify" }).click();
    const form = page.getByTestId("modify-order");
    await form.getByLabel("New total quantity").fill("0.4");
    await form.getByLabel("Limit price").fill("2950");
    await form.getByRole("button", { name: "Save changes" }).click();
    await row.getByTestId("filled").filter({ hasText: "0 / 0.4" }).waitFor();
    await row.getByText("2,950.00").waitFor();
    await shot("trade-modified");

    // A bracket: a resting buy whose take-profit and stop-loss exist from its first fill.
    await page.getByLabel("Quantity").fill("0.2");
    await page.getByLabel("Limit price").fill("2950");
    await page.getByLabel("Order class").selectOption("BRACKET");
    await page.getByLabel("Take-profit price").fill("3100");
    await page.getByLabel("Stop-loss price").fill("2800");
    await page.getByRole("button", { name: "Review buy order" }).click();
    expect(await page.getByTestId("preview-class").textContent()).to.contain("take profit at 3100 and stop loss at 2800");
    await page.getByRole("button", { name: "Buy ETH-USD" }).click();
    await page.locator('[data-testid="open-orders"] tr[data-order-id]').filter({ hasText: "bracket" }).waitFor();
    await page.getByRole("tab", { name: "Open orders (2)" }).waitFor();
    await page.getByLabel("Order class").selectOption("SIMPLE");

    await page.getByRole("button", { name: "Cancel all" }).click();
    await page.getByRole("button", { name: "Yes, cancel all" }).click();
    await page.getByRole("tab", { name: "Open orders (0)" }).waitFor();
    await page.getByRole("tab", { name: "History" }).click();
    await page.getByLabel("Status").selectOption("CANCELLED");
    // The history may wait for the query-cost budget the screen's first load spent (it asks again by itself).
    await page.locator('[data-testid="history-orders"] tr[data-status="CANCELLED"]').first().waitFor({ timeout: 60_000 });
    await checkScreen(page, "trade-history");

    await page.getByRole("button", { name: "Close position" }).click();
    await page.getByRole("button", { name: "Sell 1 ETH-USD" }).click();
    await page.getByTestId("strip-position").filter({ hasText: /^0$/ }).waitFor();
  });

  it("when the playground runs a query and a subscription, then both answer over the signed-in session", async () => {
    await page.goto(`${server.url}/playground`);
    const response = page.locator(".graphiql-response");
    await page.getByRole("tab", { name: "Instruments" }).or(page.getByText("Instruments", { exact: true })).first().click();
    await page.locator(".graphiql-query-editor").filter({ hasText: "query Instruments" }).waitFor();
    // Monaco draws only the visible lines: the first instrument is enough to see the answer. The
    // schema's introspection (220 cost points) may first wait for the user's rate-limit budget.
    await runUntil(response.filter({ hasText: /"instruments"[\s\S]*"AAPL"/ }));
    await shot("playground");
    // GraphiQL's own tab strip nests each tab's close button inside the tab (axe: nested-interactive);
    // that markup is the library's, not ours to change, so only that strip is left out.
    await checkScreen(page, "playground", { exclude: [".graphiql-tabs"] });

    await page.getByText("LiveQuotes", { exact: true }).first().click();
    await page.locator(".graphiql-query-editor").filter({ hasText: "subscription LiveQuotes" }).waitFor();
    const quote = JSON.stringify({ symbol: "ETH-USD", bid: "2999.5", ask: "3000.5", last: "3000.25", timestamp: new Date().toISOString() });
    const streamed = response.filter({ hasText: /"quotes"[\s\S]*"3000\.25"/ });
    await runUntil(streamed, () => redis.publish(channel("quotes.ETH-USD"), quote));
    await shot("playground-subscription");
  });

  it("when a partner key is created, then its secret is shown once, it answers in the playground, and once revoked it is refused", async () => {
    await page.goto(`${server.url}/account`);
    await page.getByLabel("Key name").fill("Analyst notebook");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = await page.getByTestId("api-key-secret").locator("code.secret").textContent();
    expect(secret).to.match(/^\S+\.\S+$/);
    await shot("account-api-key");
    await page.getByRole("button", { name: "Done" }).click();
    expect(await page.getByTestId("api-key-secret").count()).to.equal(0);
    expect(await page.getByTestId("api-keys").textContent()).not.to.contain(secret);

    const runAsKey = async (expected) => {
      await page.goto(`${server.url}/playground`);
      await page.getByRole("textbox", { name: "API key" }).fill(secret);
      await page.getByRole("radio", { name: "API key" }).check();
      await page.getByText("Instruments", { exact: true }).first().click();
      await page.locator(".graphiql-query-editor").filter({ hasText: "query Instruments" }).waitFor();
      const response = page.locator(".graphiql-response");
      await runUntil(response.filter({ hasText: expected }));
    };
    await runAsKey(/"instruments"[\s\S]*"AAPL"/);

    await page.goto(`${server.url}/account`);
    await page.getByTestId("api-keys").getByRole("button", { name: "Revoke" }).click();
    await page.getByTestId("api-keys").getByText("revoked").waitFor();
    await runAsKey(/UNAUTHENTICATED/);
  });

  it("when the officer downloads the period's CTR report as CSV, then the file lists the trader's cash over the threshold", async () => {
    await officerPage.getByRole("tab", { name: "Reports" }).click();
    await officerPage.getByRole("button", { name: "Show filings" }).click();
    await officerPage.getByTestId("report").waitFor();
    const [download] = await Promise.all([officerPage.waitForEvent("download"), officerPage.getByRole("button", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).to.match(/^ctr-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync(await download.path(), "utf8");
    const [header, ...rows] = csv.trim().split("\r\n");
    expect(header).to.equal("user_id,person_name,country,business_date,total_cash_in,total_cash_out,transaction_ids");
    // Ada deposited 50,000 earlier in this walk: one CTR filing for her business day.
    const ada = rows.filter((row) => row.startsWith(`${traderId},`));
    expect(ada).to.have.length(1);
    expect(ada[0]).to.contain("Ada Lovelace").and.contain(",50000");
    // The market maker's funding is a system account's: no filing names it.
    const table = officerPage.getByTestId("report");
    await table.getByText("Ada Lovelace").first().waitFor();
    expect(await table.getByText("Market Maker").count()).to.equal(0);
    expect(csv).to.not.contain("Market Maker");
    await officerShot("compliance-report");
    await checkScreen(officerPage, "compliance-report");
  });

  it("when the officer works Ada's case (assign, note, file a SAR), then the SAR number appears only on filing, the case is read-only, and her file shows it with her decided KYC", async () => {
    await officerPage.getByRole("tab", { name: "Cases" }).click();
    const adaLink = `a[href="/compliance/customers/${traderId}"]`;
    const row = officerPage.locator("[data-case-row]").filter({ has: officerPage.locator(adaLink) }).filter({ hasText: "HIGH_RISK_JURISDICTION" });
    await row.waitFor();
    expect(await row.getByTestId("case-sar").textContent(), "no SAR number before filing").to.equal("—");
    await row.getByRole("button", { name: "Open" }).click();
    const panel = officerPage.locator("[data-case-id]");
    await panel.getByRole("button", { name: "Assign to me" }).click();
    await panel.getByText("assigned to Olive Officer").waitFor();
    await panel.getByLabel("Note", { exact: true }).fill("Nationality IR from the passport; deposit of 50,000 within a day of verification.");
    await panel.getByRole("button", { name: "Add note" }).click();
    await panel.getByTestId("case-note").filter({ hasText: "deposit of 50,000" }).waitFor();
    await panel.getByLabel("File SAR").check();
    await panel.getByLabel("SAR narrative").fill("Customer of Iranian nationality deposited 50,000 USD on the day KYC was approved and traded at once; source of funds unverified.");
    await panel.getByRole("button", { name: "File SAR" }).click();
    const filed = panel.getByTestId("sar-filed");
    await filed.waitFor();
    expect(await filed.textContent()).to.match(/SAR-\d{8}-\d{6}/);
    await panel.getByText("can no longer change").waitFor();
    await officerShot("compliance-case");
    await checkScreen(officerPage, "compliance-case");

    await row.getByRole("link", { name: "Ada Lovelace" }).click();
    const file = officerPage.getByTestId("customer-file");
    await file.waitFor();
    expect(await file.getByRole("heading", { level: 1 }).textContent()).to.equal("Ada Lovelace");
    expect(await file.getByTestId("customer-risk").textContent(), "a filed SAR keeps the risk up").to.equal("medium");
    await file.getByTestId("sar-filed").first().waitFor();
    await file.getByText("Dual national resident in the EU; source of funds documented").waitFor();
    // The behaviour profile against everyone active in the window: a score and every feature with its z-score.
    expect(Number(await file.getByTestId("behaviour-score").textContent())).to.be.at.least(0);
    expect(await file.getByTestId("behaviour-features").getByRole("row").count()).to.equal(12);
    await officerShot("compliance-customer");
    await checkScreen(officerPage, "compliance-customer");

    await officerPage.getByRole("link", { name: "← Compliance" }).click();
    await officerPage.getByRole("button", { name: "Decided" }).click();
    await officerPage.getByTestId("decided-verifications").locator(adaLink).waitFor();
  });

  it("when a user follows 'Forgot password?', then the mailed link sets a new password and they sign in with it", async () => {
    const forgetful = { email: `forgetful-${Date.now()}@example.com`, password: "the old long phrase 42" };
    await gql(server.url, `mutation ($i: RegisterInput!) { register(input: $i) { user { id } } }`, { i: { ...forgetful, firstName: "Fred", lastName: "Forgetful" } });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const visitor = await context.newPage();
    watchCsp(visitor);
    try {
      await visitor.goto(`${server.url}/login`);
      await visitor.getByRole("link", { name: "Forgot password?" }).click();
      // The sign-in form has an Email field too: wait until the (lazily loaded) page replaced it.
      await visitor.getByRole("heading", { name: "Forgot your password?" }).waitFor();
      await visitor.getByLabel("Email").fill(forgetful.email);
      await visitor.getByRole("button", { name: "Send reset link" }).click();
      await visitor.getByRole("status").filter({ hasText: forgetful.email }).waitFor();
      await visitor.screenshot({ path: path.join(artifacts, "forgot-password.png"), fullPage: true });
      await checkScreen(visitor, "forgot-password");
      // The mail is written after the answer (so timing tells nothing): wait for it in the outbox.
      const token = await mailedResetToken(path.join(dataDir, "outbox"), forgetful.email);
      await visitor.goto(`${server.url}/reset-password#token=${token}`);
      await visitor.getByLabel("New password", { exact: true }).fill("a brand new long phrase 42");
      await visitor.getByRole("button", { name: "Set new password" }).click();
      await visitor.getByRole("status").filter({ hasText: "every session was signed out" }).waitFor();
      await visitor.screenshot({ path: path.join(artifacts, "reset-password.png"), fullPage: true });
      await checkScreen(visitor, "reset-password");
      await visitor.getByRole("region", { name: "Password changed" }).getByRole("link", { name: "Sign in" }).click();
      await visitor.getByRole("heading", { name: "Sign in" }).waitFor();
      await visitor.getByLabel("Email").fill(forgetful.email);
      await visitor.getByLabel("Password").fill("a brand new long phrase 42");
      await visitor.getByRole("button", { name: "Sign in" }).click();
      await visitor.waitForURL(/\/portfolios$/);
    } finally {
      await context.close();
    }
  });

  it("when an analyst signs in, then they land on analytics, analyse, backtest and correlate imported bars, and read a portfolio read-only", async () => {
    const analyst = { email: `analyst-${Date.now()}@example.com`, password: "an analyst's long phrase 42" };
    await createUser({ ...analyst, role: "ANALYST", firstName: "Ana", lastName: "Lyst" });
    const { login } = await gql(server.url, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { auth { accessToken } } }`, { e: analyst.email, p: analyst.password });
    // Sixty daily bars up to yesterday for two symbols (analysts may import): deterministic walks.
    const day = 86_400_000;
    const today = Math.floor(Date.now() / day) * day;
    for (const [symbol, drift] of [["AAPL", 0.004], ["MSFT", -0.002]]) {
      let close = 100;
      const bars = Array.from({ length: 60 }, (_, i) => {
        close = Math.round(close * (1 + drift + 0.02 * Math.sin(i * 1.7)) * 100) / 100;
        const price = close.toFixed(2);
        return { time: new Date(today - (60 - i) * day).toISOString(), open: price, high: price, low: price, close: price, volume: "1000" };
      });
      await gql(server.url, `mutation ($s: String!, $b: [PriceBarInput!]!) { importPriceBars(symbol: $s, interval: DAY_1, bars: $b) { stored } }`, { s: symbol, b: bars }, login.auth.accessToken);
    }
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const analystPage = await context.newPage();
    watchCsp(analystPage);
    try {
      await analystPage.goto(`${server.url}/login`);
      await analystPage.getByLabel("Email").fill(analyst.email);
      await analystPage.getByLabel("Password").fill(analyst.password);
      await analystPage.getByRole("button", { name: "Sign in" }).click();
      // Not "Create a portfolio", which an analyst would be refused: the analytics screen.
      await analystPage.waitForURL(/\/analytics$/);
      const nav = analystPage.getByRole("navigation", { name: "Main" });
      await nav.getByRole("link", { name: "Analytics" }).waitFor();
      for (const refused of ["Portfolios", "Trade", "Wallet"]) expect(await nav.getByRole("link", { name: refused }).count(), `no ${refused} entry for an analyst`).to.equal(0);

      await analystPage.getByLabel("Benchmark", { exact: true }).selectOption("MSFT");
      await analystPage.getByLabel("Symbol", { exact: true }).selectOption("AAPL");
      await analystPage.getByRole("button", { name: "Analyse", exact: true }).click();
      const metrics = analystPage.getByTestId("metrics");
      await metrics.getByText(/daily returns, against MSFT/).waitFor();
      expect(await metrics.locator('[data-metric="beta"] td.num').textContent()).to.not.equal("—");
      await analystPage.getByTestId("equity-chart").locator("canvas").first().waitFor();
      await analystPage.getByTestId("rolling-volatility").locator("canvas").first().waitFor();
      await analystPage.getByTestId("return-histogram").waitFor();
      await analystPage.screenshot({ path: path.join(artifacts, "analytics-instrument.png"), fullPage: true });

      const backtest = analystPage.getByTestId("backtest-form");
      await backtest.getByLabel("Symbol 1").selectOption("AAPL");
      await backtest.getByLabel("Symbol 2").selectOption("MSFT");
      await backtest.getByRole("button", { name: "Run backtest" }).click();
      await analystPage.getByRole("heading", { name: "Backtest: equity curve and drawdown" }).waitFor();
      await metrics.getByText(/daily returns, against MSFT/).waitFor();

      const correlation = analystPage.locator("section").filter({ has: analystPage.getByRole("heading", { name: "Correlation" }) });
      for (const box of await correlation.getByRole("checkbox").all()) await box.uncheck();
      await correlation.getByLabel("AAPL").check();
      await correlation.getByLabel("MSFT").check();
      await correlation.getByRole("button", { name: "Compute correlation" }).click();
      const cell = await analystPage.getByTestId("correlation-heatmap").locator('[data-cell="AAPL/MSFT"]').textContent();
      expect(Number(cell)).to.be.within(-1, 1);
      await analystPage.screenshot({ path: path.join(artifacts, "analytics-backtest-correlation.png"), fullPage: true });
      await checkScreen(analystPage, "analytics");

      // Every portfolio, pseudonymous: Ada's "Main" is listed without its name.
      const list = analystPage.getByTestId("all-portfolios");
      await list.locator("tbody tr").first().waitFor();
      expect(await list.getByText("Main", { exact: true }).count()).to.equal(0);
      await list.locator("tbody tr").first().getByRole("link").click();
      await analystPage.getByTestId("read-only").waitFor();
      await analystPage.getByRole("heading", { name: "Performance" }).waitFor();
      expect(await analystPage.getByRole("button", { name: "Deposit" }).count()).to.equal(0);
      expect(await analystPage.getByRole("link", { name: "Trade" }).count()).to.equal(0);
      await analystPage.screenshot({ path: path.join(artifacts, "analytics-portfolio-read-only.png"), fullPage: true });
      await checkScreen(analystPage, "analytics-portfolio");
      // A trader's screen typed in by hand sends the analyst home rather than offering what is refused.
      await analystPage.goto(`${server.url}/trade`);
      await analystPage.waitForURL(/\/analytics$/);
    } finally {
      await context.close();
    }
  });

  it("when the officer opens the audit log and the trader the wallet screen, then both are checked like every other screen", async () => {
    await officerPage.goto(`${server.url}/audit`);
    await officerPage.getByRole("heading", { name: "Audit log" }).waitFor();
    await officerPage.getByTestId("audit-log").waitFor();
    await checkScreen(officerPage, "audit");
    await page.goto(`${server.url}/wallet`);
    await page.getByRole("heading", { name: "Wallet", exact: true }).waitFor();
    await checkScreen(page, "wallet");
  });

  it("when every screen has been walked, the playground included, then the browser reported no Content Security Policy violation", () => {
    expect(cspViolations).to.deep.equal([]);
  });

  it("when every screen has been walked, then axe-core found no WCAG 2.1 AA violation on any of them", () => {
    expect(a11yViolations).to.deep.equal([]);
  });

  it("when every signed-in screen is shown 390 px wide, then nothing is wider than the window", () => {
    expect(narrowOverflows).to.deep.equal([]);
  });
});

/** The innermost elements that reach past 390 px outside any scrolling box: what to fix. */
function widestElements(target) {
  return target.evaluate(() => {
    // Absolutely positioned elements escape a scroller that is not their containing block.
    const inScroller = (el) => {
      if (getComputedStyle(el).position === "absolute" || getComputedStyle(el).position === "fixed") return false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (getComputedStyle(p).overflowX !== "visible") return true;
      return false;
    };
    const past = (el) => el.getBoundingClientRect().right > 391;
    const name = (el) => `${el.tagName.toLowerCase()}${typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\s+/).join(".") : ""}${el.dataset.testid ? `[${el.dataset.testid}]` : ""}`;
    return [...document.body.querySelectorAll("*")]
      .filter((el) => past(el) && !inScroller(el) && ![...el.children].some(past))
      .slice(0, 5)
      .map((el) => `${name(el.parentElement)} > ${name(el)} to ${Math.round(el.getBoundingClientRect().right)}`);
  });
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The reset token in the newest outbox mail to `to`, once the server has written it. */
async function mailedResetToken(outbox, to) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    const mails = fs.existsSync(outbox) ? fs.readdirSync(outbox).map((name) => fs.readFileSync(path.join(outbox, name), "utf8")) : [];
    const token = mails.filter((mail) => mail.includes(`To: ${to}`)).map((mail) => /#token=([A-Za-z0-9_-]+)/.exec(mail)?.[1]).find(Boolean);
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no reset mail to ${to} in ${outbox}`);
}
