import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createTestClient, createWalletClient, type Hex, http, verifyMessage } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mock } from "wagmi/connectors/mock";
import { strategyVaultAbi } from "../../lib/contracts/abis";
import { deployment } from "../../lib/contracts/deployments";
import { localChain } from "../../lib/wagmi";
import { DEV_ACCOUNTS, startLocalChain } from "../../test/chain";
import { graphqlError, scriptedClient } from "../../test/client";
import { WalletProviders, WalletScreen } from "./WalletPage";

// The wallet screen against a real hardhat node with the contracts deployed; only the browser
// wallet is replaced, by wagmi's mock connector, which forwards signing and transactions to the
// node's unlocked development account. The API is scripted; the link handler verifies the
// signature as the server does.
const [ACCOUNT, OTHER] = DEV_ACCOUNTS;
let chain: Awaited<ReturnType<typeof startLocalChain>>;

beforeAll(async () => {
  chain = await startLocalChain();
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

const CHALLENGE = `localhost wants you to sign in with your Ethereum account:\n${ACCOUNT}\n\nLink this wallet to your BlockGuardian account.\n\nURI: http://localhost\nVersion: 1\nChain ID: 31337\nNonce: abcdef1234567890\nIssued At: 2026-01-01T00:00:00.000Z`;

function setup() {
  let linked: Array<Record<string, unknown>> = [];
  const api = scriptedClient({
    WalletPortfolios: () => ({ data: { portfolios: [{ __typename: "Portfolio", id: "p1", name: "Main" }] } }),
    LinkedWallets: () => ({ data: { wallets: linked } }),
    WalletChallenge: ({ address }) => ({ data: { walletChallenge: { __typename: "WalletChallenge", address, message: CHALLENGE, nonce: "abcdef1234567890", expiresAt: "2030-01-01T00:00:00.000Z" } } }),
    LinkWallet: async ({ input }) => {
      const { address, signature, portfolioId } = input as { address: Hex; signature: Hex; portfolioId: string };
      if (!(await verifyMessage({ address, message: CHALLENGE, signature }))) return graphqlError("The signature does not match the address", "BAD_USER_INPUT");
      const wallet = { __typename: "Wallet", address, portfolioId, linkedAt: "2026-01-01T00:00:00.000Z", balances: [{ __typename: "WalletBalance", symbol: "TGLD", quantity: "10000", blockNumber: "20" }] };
      linked = [wallet];
      return { data: { linkWallet: wallet } };
    },
    UnlinkWallet: () => {
      linked = [];
      return { data: { unlinkWallet: true } };
    },
  });
  render(
    <WalletProviders connectors={[mock({ accounts: [ACCOUNT] })]} rpcUrl={chain.rpcUrl}>
      <WalletScreen />
    </WalletProviders>,
    { wrapper: api.wrapper },
  );
  return { api, user: userEvent.setup() };
}

const slow = { timeout: 20_000 };

describe("wallet screen on a local chain", () => {
  it("when the deployment is read, then the web's committed addresses are those a fresh node gets", () => {
    expect(chain.deployment.contracts).toEqual(deployment.contracts);
  });

  it("when the wallet connects and signs the server's challenge, then the signed link is sent and the wallet is listed; unlink removes it", async () => {
    const { api, user } = setup();
    expect(await screen.findByText("No wallet linked. Link one to see its token balances in a portfolio.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Connect Mock Connector" }));
    expect((await screen.findByTestId("wallet-address")).textContent).toBe(ACCOUNT);
    expect((await screen.findByTestId("balance-dUSD", {}, slow)).textContent).toBe("1000000");

    await user.click(screen.getByRole("button", { name: "Link this wallet" }));
    const row = await screen.findByText(ACCOUNT, { selector: "[data-testid=linked-wallets] code" }, slow);
    expect(api.sent("WalletChallenge")[0].variables).toEqual({ address: ACCOUNT });
    expect(api.sent("LinkWallet")[0].variables.input).toMatchObject({ address: ACCOUNT, portfolioId: "p1" });
    expect(row.closest("tr")!.textContent).toContain("10000 TGLD");

    await user.click(within(row.closest("tr")!).getByRole("button", { name: "Unlink" }));
    expect(await screen.findByText("No wallet linked. Link one to see its token balances in a portfolio.")).toBeTruthy();
    expect(api.sent("UnlinkWallet")[0].variables).toEqual({ address: ACCOUNT });
  }, 60_000);

  it("when a DEX buy is placed and cancelled, then its dUSD is escrowed while it rests and returned on cancel", async () => {
    const { user } = setup();
    await user.click(await screen.findByRole("button", { name: "Connect Mock Connector" }));
    await screen.findByText("No open order on the DEX.", {}, slow);
    await user.type(screen.getByLabelText("Quantity (TGLD)"), "0.015");
    await user.type(screen.getByLabelText("Limit price (dUSD per token)"), "85.2");
    await user.click(screen.getByRole("button", { name: "Buy TGLD" }));
    expect(await screen.findByText("The quantity must be a positive multiple of the lot 0.01")).toBeTruthy();

    await user.clear(screen.getByLabelText("Quantity (TGLD)"));
    await user.type(screen.getByLabelText("Quantity (TGLD)"), "0.05");
    await user.click(screen.getByRole("button", { name: "Buy TGLD" }));
    const order = await screen.findByRole("row", { name: /buy 0\.05 85\.2/ }, slow);
    // 5 lots at 0.852 dUSD a lot: 4.26 dUSD held by the DEX.
    await waitFor(() => expect(screen.getByTestId("balance-dUSD").textContent).toBe("999995.74"), slow);

    await user.click(within(order).getByRole("button", { name: "Cancel" }));
    await screen.findByText("No open order on the DEX.", {}, slow);
    await waitFor(() => expect(screen.getByTestId("balance-dUSD").textContent).toBe("1000000"), slow);
  }, 60_000);

  it("when dUSD is deposited into the vault and yield accrues, then the principal shows and claiming pays the yield out", async () => {
    const { user } = setup();
    await user.click(await screen.findByRole("button", { name: "Connect Mock Connector" }));
    await user.type(await screen.findByLabelText("Deposit (dUSD)"), "100000");
    await user.click(screen.getByRole("button", { name: "Deposit" }));
    await waitFor(() => expect(screen.getByTestId("vault-principal").textContent).toBe("100000 dUSD"), slow);
    expect(screen.getByTestId("vault-yield").textContent).toBe("0 dUSD");
    expect((screen.getByRole("button", { name: "Claim yield" }) as HTMLButtonElement).disabled).toBe(true);

    // A year at the strategy's fixed rate, harvested by anyone, then released over the unlock time.
    const test = createTestClient({ mode: "hardhat", chain: localChain(chain.rpcUrl), transport: http(chain.rpcUrl) });
    const keeper = createWalletClient({ account: OTHER, chain: localChain(chain.rpcUrl), transport: http(chain.rpcUrl) });
    await test.increaseTime({ seconds: 365 * 86_400 });
    await test.mine({ blocks: 1 });
    await keeper.writeContract({ address: deployment.contracts.StrategyVault, abi: strategyVaultAbi, functionName: "harvest" });
    await test.increaseTime({ seconds: 2 * 86_400 });
    await test.mine({ blocks: 1 });

    const claim = screen.getByRole("button", { name: "Claim yield" }) as HTMLButtonElement;
    await waitFor(() => expect(claim.disabled).toBe(false), slow);
    const before = Number(screen.getByTestId("balance-dUSD").textContent);
    await user.click(claim);
    await waitFor(() => expect(Number(screen.getByTestId("balance-dUSD").textContent)).toBeGreaterThan(before), slow);
    expect(screen.getByTestId("vault-principal").textContent).toBe("100000 dUSD");
  }, 60_000);
});
