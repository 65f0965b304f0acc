// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IStrategy} from "./IStrategy.sol";

/// @title IStrategyVault
/// @notice An ERC-4626 vault that puts its deposits to work in a strategy, realises yield at
/// harvest (less a performance fee to the treasury), and lets a holder take their yield
/// without touching their principal.
interface IStrategyVault is IERC4626 {
    /// @notice Yield of `gain` assets was realised; `fee` of it went to the treasury.
    event VaultHarvested(uint256 gain, uint256 fee, uint256 totalAssets);

    /// @notice `owner` took `assets` of yield (burning `shares`) to `receiver`, principal untouched.
    event VaultYieldClaimed(address indexed owner, address indexed receiver, uint256 assets, uint256 shares);

    /// @notice The strategy was replaced; every asset moved from the old one to the new one.
    event VaultStrategySet(address indexed previousStrategy, address indexed newStrategy);

    /// @notice The performance fee was changed.
    event VaultPerformanceFeeSet(uint256 previousBps, uint256 newBps);

    /// @notice The account that receives performance fees was changed.
    event VaultTreasurySet(address indexed previousTreasury, address indexed newTreasury);

    /// @notice A fee above the hard cap was asked for.
    error VaultFeeTooHigh(uint256 bps, uint256 maxBps);

    /// @notice The zero address was given where an account is required.
    error VaultZeroAddress();

    /// @notice The strategy serves another asset or another vault.
    error VaultStrategyMismatch(address strategy);

    /// @notice No strategy is set, so there is nothing to harvest.
    error VaultNoStrategy();

    /// @notice `owner` has no yield above their principal to claim.
    error VaultNoYield(address owner);

    /// @notice Hard cap on the performance fee, in basis points.
    function MAX_PERFORMANCE_FEE_BPS() external view returns (uint256);

    /// @notice The current strategy (zero before one is set: deposits then stay in the vault).
    function strategy() external view returns (IStrategy);

    /// @notice The share of each harvest's gain paid to the treasury, in basis points.
    function performanceFeeBps() external view returns (uint256);

    /// @notice The account that receives performance fees.
    function treasury() external view returns (address);

    /// @notice Assets `owner` put in and has not taken back out: their cost basis. Deposits add
    /// to it; withdrawals and share transfers move it pro rata to the shares.
    function principalOf(address owner) external view returns (uint256);

    /// @notice The yield `owner` could claim now: the value of their shares above their
    /// principal, rounded down.
    function claimableYield(address owner) external view returns (uint256);

    /// @notice Collects the strategy's pending yield: the fee (rounded down) goes to the
    /// treasury and the rest stays in the vault, raising every share's value. Anyone may call.
    /// @return gain The yield collected, fee included.
    function harvest() external returns (uint256 gain);

    /// @notice Withdraws the caller's yield to `receiver`, leaving their principal in the vault.
    /// @return assets The yield paid.
    function claimYield(address receiver) external returns (uint256 assets);

    /// @notice Moves every asset into `newStrategy` (from the old one, if any). Owner only.
    function setStrategy(IStrategy newStrategy) external;

    /// @notice Sets the performance fee, at most {MAX_PERFORMANCE_FEE_BPS}. Owner only.
    function setPerformanceFee(uint256 bps) external;

    /// @notice Sets the treasury. Owner only.
    function setTreasury(address newTreasury) external;
}
