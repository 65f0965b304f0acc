import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, parseSignature, toHex, zeroAddress } from "viem";

const { viem, networkHelpers } = await network.create();

const MINTER_ROLE = keccak256(toHex("MINTER_ROLE"));
const BURNER_ROLE = keccak256(toHex("BURNER_ROLE"));
const PAUSER_ROLE = keccak256(toHex("PAUSER_ROLE"));
const FEE_MANAGER_ROLE = keccak256(toHex("FEE_MANAGER_ROLE"));

describe("AssetToken", () => {
  async function deployToken() {
    const [admin, treasury, alice, bob, mallory] = await viem.getWalletClients();
    const token = await viem.deployContract("AssetToken", [
      "Tokenized Gold",
      "tGOLD",
      18,
      admin.account.address,
      treasury.account.address,
      25n,
    ]);
    await token.write.mint([alice.account.address, 1_000_000n]);
    return { token, admin, treasury, alice, bob, mallory };
  }

  describe("constructor", () => {
    it("when deployed, then the admin holds every role and the fee, treasury and decimals are set", async () => {
      const { token, admin, treasury } = await networkHelpers.loadFixture(deployToken);
      for (const role of [0n, MINTER_ROLE, BURNER_ROLE, PAUSER_ROLE, FEE_MANAGER_ROLE]) {
        const id = role === 0n ? `0x${"00".repeat(32)}` : role;
        expect(await token.read.hasRole([id as `0x${string}`, admin.account.address])).to.equal(true);
      }
      expect(await token.read.transferFeeBps()).to.equal(25n);
      expect((await token.read.treasury()).toLowerCase()).to.equal(treasury.account.address);
      expect(await token.read.decimals()).to.equal(18);
      expect(await token.read.MAX_TRANSFER_FEE_BPS()).to.equal(500n);
      expect(await token.read.name()).to.equal("Tokenized Gold");
    });

    it("when the admin or treasury is zero or the fee is above the cap, then deployment reverts with the matching error", async () => {
      const { token, admin, treasury } = await networkHelpers.loadFixture(deployToken);
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("AssetToken", ["X", "X", 18, zeroAddress, treasury.account.address, 0n]),
        token,
        "AccessControlInvalidDefaultAdmin",
        [zeroAddress],
      );
      await viem.assertions.revertWithCustomError(
        viem.deployContract("AssetToken", ["X", "X", 18, admin.account.address, zeroAddress, 0n]),
        token,
        "AssetZeroAddress",
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("AssetToken", ["X", "X", 18, admin.account.address, treasury.account.address, 501n]),
        token,
        "AssetFeeTooHigh",
        [501n, 500n],
      );
    });
  });

  describe("transfer fee", () => {
    it("when a holder transfers, then the fee (rounded down) goes to the treasury and the sender loses exactly the amount", async () => {
      const { token, treasury, alice, bob } = await networkHelpers.loadFixture(deployToken);
      await token.write.transfer([bob.account.address, 10_000n], { account: alice.account });
      expect(await token.read.balanceOf([alice.account.address])).to.equal(990_000n);
      expect(await token.read.balanceOf([bob.account.address])).to.equal(9_975n);
      expect(await token.read.balanceOf([treasury.account.address])).to.equal(25n);
      expect(await token.read.totalSupply()).to.equal(1_000_000n);
    });

    it("when a transfer is charged, then it emits one Transfer to the treasury and one to the recipient", async () => {
      const { token, treasury, alice, bob } = await networkHelpers.loadFixture(deployToken);
      const hash = token.write.transfer([bob.account.address, 10_000n], { account: alice.account });
      await viem.assertions.emitWithArgs(hash, token, "Transfer", [alice.account.address, treasury.account.address, 25n]);
      const hash2 = token.write.transfer([bob.account.address, 10_000n], { account: alice.account });
      await viem.assertions.emitWithArgs(hash2, token, "Transfer", [alice.account.address, bob.account.address, 9_975n]);
    });

    it("when the fee on an amount is below one unit, then no fee is charged (rounded down)", async () => {
      const { token, alice, bob } = await networkHelpers.loadFixture(deployToken);
      expect(await token.read.feeFor([alice.account.address, bob.account.address, 399n])).to.equal(0n);
      await token.write.transfer([bob.account.address, 399n], { account: alice.account });
      expect(await token.read.balanceOf([bob.account.address])).to.equal(399n);
    });

    it("when transferFrom is used, then the same fee applies and the allowance falls by the full amount", async () => {
      const { token, treasury, alice, bob } = await networkHelpers.loadFixture(deployToken);
      await token.write.approve([bob.account.address, 20_000n], { account: alice.account });
      await token.write.transferFrom([alice.account.address, bob.account.address, 20_000n], { account: bob.account });
      expect(await token.read.balanceOf([bob.account.address])).to.equal(19_950n);
      expect(await token.read.balanceOf([treasury.account.address])).to.equal(50n);
      expect(await token.read.allowance([alice.account.address, bob.account.address])).to.equal(0n);
    });

    it("when the sender or the recipient is fee-exempt, then the full amount arrives", async () => {
      const { token, treasury, alice, bob } = await networkHelpers.loadFixture(deployToken);
      await viem.assertions.emitWithArgs(token.write.setFeeExempt([bob.account.address, true]), token, "AssetFeeExemptionSet", [
        bob.account.address,
        true,
      ]);
      expect(await token.read.isFeeExempt([bob.account.address])).to.equal(true);
      await token.write.transfer([bob.account.address, 10_000n], { account: alice.account });
      await token.write.transfer([alice.account.address, 4_000n], { account: bob.account });
      expect(await token.read.balanceOf([bob.account.address])).to.equal(6_000n);
      expect(await token.read.balanceOf([treasury.account.address])).to.equal(0n);
      await token.write.setFeeExempt([bob.account.address, false]);
      expect(await token.read.feeFor([alice.account.address, bob.account.address, 10_000n])).to.equal(25n);
    });

    it("when the fee manager changes the fee or the treasury, then events record old and new values", async () => {
      const { token, treasury, alice, bob } = await networkHelpers.loadFixture(deployToken);
      await viem.assertions.emitWithArgs(token.write.setTransferFee([500n]), token, "AssetTransferFeeSet", [25n, 500n]);
      await viem.assertions.emitWithArgs(token.write.setTreasury([bob.account.address]), token, "AssetTreasurySet", [
        treasury.account.address,
        bob.account.address,
      ]);
      await token.write.transfer([treasury.account.address, 1_000n], { account: alice.account });
      expect(await token.read.balanceOf([bob.account.address])).to.equal(50n); // 5% of 1,000
    });

    it("when a fee above the hard cap or a zero treasury is set, then it reverts with AssetFeeTooHigh / AssetZeroAddress", async () => {
      const { token } = await networkHelpers.loadFixture(deployToken);
      await viem.assertions.revertWithCustomErrorWithArgs(token.write.setTransferFee([501n]), token, "AssetFeeTooHigh", [
        501n,
        500n,
      ]);
      await viem.assertions.revertWithCustomError(token.write.setTreasury([zeroAddress]), token, "AssetZeroAddress");
    });
  });

  describe("supply", () => {
    it("when a minter mints and a burner burns, then no fee is charged", async () => {
      const { token, admin, treasury, alice, bob } = await networkHelpers.loadFixture(deployToken);
      await token.write.mint([bob.account.address, 10_000n]);
      await token.write.approve([admin.account.address, 400_000n], { account: alice.account }); // the holder redeems
      await token.write.burn([alice.account.address, 400_000n]);
      expect(await token.read.balanceOf([bob.account.address])).to.equal(10_000n);
      expect(await token.read.balanceOf([alice.account.address])).to.equal(600_000n);
      expect(await token.read.balanceOf([treasury.account.address])).to.equal(0n);
      expect(await token.read.totalSupply()).to.equal(610_000n);
    });

    it("when a burn exceeds the balance, then it reverts with ERC20InsufficientBalance", async () => {
      const { token, admin, bob } = await networkHelpers.loadFixture(deployToken);
      await token.write.approve([admin.account.address, 1n], { account: bob.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        token.write.burn([bob.account.address, 1n]),
        token,
        "ERC20InsufficientBalance",
        [bob.account.address, 0n, 1n],
      );
    });
  });

  describe("holders' consent", () => {
    it("when a burner burns a holder's tokens without the holder's allowance, then it reverts with ERC20InsufficientAllowance, so escrow held by a contract is safe", async () => {
      const { token, admin, alice } = await networkHelpers.loadFixture(deployToken);
      await viem.assertions.revertWithCustomErrorWithArgs(token.write.burn([alice.account.address, 1n]), token, "ERC20InsufficientAllowance", [
        admin.account.address,
        0n,
        1n,
      ]);
      await token.write.mint([admin.account.address, 5n]);
      await token.write.burn([admin.account.address, 5n]); // its own tokens need no allowance
      expect(await token.read.balanceOf([admin.account.address])).to.equal(0n);
    });

    it("when a charged transfer exceeds the balance by any amount, then it reverts with ERC20InsufficientBalance(sender, balance, value)", async () => {
      const { token, alice, bob } = await networkHelpers.loadFixture(deployToken);
      const max = 2n ** 256n - 1n;
      for (const value of [1_000_001n, max]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          token.write.transfer([bob.account.address, value], { account: alice.account }),
          token,
          "ERC20InsufficientBalance",
          [alice.account.address, 1_000_000n, value],
        );
      }
      expect(await token.read.feeFor([alice.account.address, bob.account.address, max])).to.equal((max * 25n) / 10_000n);
    });
  });

  describe("admin hand-over", () => {
    it("when the admin hands the admin role over, then it takes two steps and the delay, and there is only ever one admin", async () => {
      const { token, admin, bob } = await networkHelpers.loadFixture(deployToken);
      const ADMIN = `0x${"00".repeat(32)}` as const;
      await viem.assertions.revertWithCustomError(token.write.grantRole([ADMIN, bob.account.address]), token, "AccessControlEnforcedDefaultAdminRules");
      await token.write.beginDefaultAdminTransfer([bob.account.address]);
      expect(await token.read.hasRole([ADMIN, admin.account.address])).to.equal(true);
      await viem.assertions.revertWithCustomError(token.write.acceptDefaultAdminTransfer({ account: bob.account }), token, "AccessControlEnforcedDefaultAdminDelay");
      await networkHelpers.time.increase(await token.read.ADMIN_TRANSFER_DELAY());
      await token.write.acceptDefaultAdminTransfer({ account: bob.account });
      expect(await token.read.hasRole([ADMIN, bob.account.address])).to.equal(true);
      expect(await token.read.hasRole([ADMIN, admin.account.address])).to.equal(false);
      expect(await token.read.ADMIN_TRANSFER_DELAY()).to.equal(2 * 24 * 3600);
    });
  });

  describe("roles", () => {
    it("when an account without the role calls a restricted function, then it reverts with AccessControlUnauthorizedAccount(account, role)", async () => {
      const { token, mallory, alice } = await networkHelpers.loadFixture(deployToken);
      const as = { account: mallory.account };
      const cases = [
        [token.write.mint([mallory.account.address, 1n], as), MINTER_ROLE],
        [token.write.burn([alice.account.address, 1n], as), BURNER_ROLE],
        [token.write.pause(as), PAUSER_ROLE],
        [token.write.unpause(as), PAUSER_ROLE],
        [token.write.setTransferFee([0n], as), FEE_MANAGER_ROLE],
        [token.write.setTreasury([mallory.account.address], as), FEE_MANAGER_ROLE],
        [token.write.setFeeExempt([mallory.account.address, true], as), FEE_MANAGER_ROLE],
      ] as const;
      for (const [call, role] of cases) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, token, "AccessControlUnauthorizedAccount", [
          mallory.account.address,
          role,
        ]);
      }
    });

    it("when the admin grants the minter role, then the grantee can mint", async () => {
      const { token, bob } = await networkHelpers.loadFixture(deployToken);
      await token.write.grantRole([MINTER_ROLE, bob.account.address]);
      await token.write.mint([bob.account.address, 5n], { account: bob.account });
      expect(await token.read.balanceOf([bob.account.address])).to.equal(5n);
    });
  });

  describe("pause", () => {
    it("when paused, then transfers, mints and burns revert with EnforcedPause, and resume after unpause", async () => {
      const { token, admin, alice, bob } = await networkHelpers.loadFixture(deployToken);
      await viem.assertions.emit(token.write.pause(), token, "Paused");
      await viem.assertions.revertWithCustomError(
        token.write.transfer([bob.account.address, 1n], { account: alice.account }),
        token,
        "EnforcedPause",
      );
      await viem.assertions.revertWithCustomError(token.write.mint([bob.account.address, 1n]), token, "EnforcedPause");
      await token.write.approve([admin.account.address, 1n], { account: alice.account }); // approvals do not move value
      await viem.assertions.revertWithCustomError(token.write.burn([alice.account.address, 1n]), token, "EnforcedPause");
      await viem.assertions.emit(token.write.unpause(), token, "Unpaused");
      await token.write.transfer([bob.account.address, 1n], { account: alice.account });
      expect(await token.read.balanceOf([bob.account.address])).to.equal(1n);
    });

    it("when unpausing a running token, then it reverts with ExpectedPause", async () => {
      const { token } = await networkHelpers.loadFixture(deployToken);
      await viem.assertions.revertWithCustomError(token.write.unpause(), token, "ExpectedPause");
    });
  });

  describe("permit", () => {
    it("when a holder signs an EIP-2612 permit, then anyone can submit it and the allowance is set", async () => {
      const { token, alice, bob } = await networkHelpers.loadFixture(deployToken);
      const publicClient = await viem.getPublicClient();
      const deadline = BigInt((await publicClient.getBlock()).timestamp) + 3600n;
      const nonce = await token.read.nonces([alice.account.address]);
      const signature = await alice.signTypedData({
        account: alice.account,
        domain: { name: "Tokenized Gold", version: "1", chainId: await publicClient.getChainId(), verifyingContract: token.address },
        types: {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        primaryType: "Permit",
        message: { owner: alice.account.address, spender: bob.account.address, value: 777n, nonce, deadline },
      });
      const { v, r, s } = parseSignature(signature);
      await token.write.permit([alice.account.address, bob.account.address, 777n, deadline, Number(v), r, s], {
        account: bob.account,
      });
      expect(await token.read.allowance([alice.account.address, bob.account.address])).to.equal(777n);
      expect(await token.read.nonces([alice.account.address])).to.equal(nonce + 1n);
      // Replaying the same signature fails: the nonce moved on.
      await viem.assertions.revertWithCustomError(
        token.write.permit([alice.account.address, bob.account.address, 777n, deadline, Number(v), r, s], {
          account: bob.account,
        }),
        token,
        "ERC2612InvalidSigner",
      );
    });
  });
});
