// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IStrategy} from "./IStrategy.sol";

/// @title IStrategyVault
/// @notice An ERC-4626 vault that puts its deposits to work in a strategy and lets a holder take
/// their yield without touching their principal. Yield the strategy accrues counts in the share
/// price as it accrues, net of the performance fee that harvest pays the treasury, so a
/// depositor never shares in yield earned before they joined. Profit a harvest brings beyond
/// what had accrued (a lump) is released to the share price over the profit unlock time.
/// The asset must not charge the vault or its strategy a transfer fee: a deposit that arrives
/// short is refused.
interface IStrategyVault is IERC4626 {
    /// @notice Yield of `gain` assets was realised; `fee` of it went to the treasury and the rest
    /// joined the locked profit, now `lockedProfit`.
    event VaultHarvested(uint256 gain, uint256 fee, uint256 lockedProfit);

    /// @notice The time over which harvested profit is released was changed.
    event VaultProfitUnlockTimeSet(uint256 previousSeconds, uint256 newSeconds);

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

    /// @notice An unlock time above the cap was asked for.
    error VaultUnlockTimeTooLong(uint256 seconds_, uint256 maxSeconds);

    /// @notice An unlock time below the floor was asked for: a lump of profit would reach the
    /// share price in (nearly) one step.
    error VaultUnlockTimeTooShort(uint256 seconds_, uint256 minSeconds);

    /// @notice A transfer of `sent` assets into the vault or its strategy delivered `received`:
    /// the asset charged a transfer fee, which the vault refuses (exempt the vault and strategy).
    error VaultTransferFeeCharged(uint256 sent, uint256 received);

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

    /// @notice Cap on the profit unlock time, in seconds.
    function MAX_PROFIT_UNLOCK_TIME() external view returns (uint256);

    /// @notice Floor on the profit unlock time, in seconds.
    function MIN_PROFIT_UNLOCK_TIME() external view returns (uint256);

    /// @notice Seconds over which a newly harvested lump of profit is released to the share price.
    function profitUnlockTime() external view returns (uint256);

    /// @notice Harvested profit not yet released: excluded from totalAssets, falling linearly to
    /// zero at {fullProfitUnlockDate}, rounded up.
    function lockedProfit() external view returns (uint256);

    /// @notice When the profit locked now is fully released (a timestamp; in the past when none is).
    function fullProfitUnlockDate() external view returns (uint256);

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
    /// treasury. Yield that had accrued was already in the share price (net of that fee); what
    /// the harvest brought beyond it is locked and joins what is still locked, released by a
    /// date averaged by amount between the old date and {profitUnlockTime} from now. The share
    /// price does not jump at harvest, so depositing just before a harvest earns nothing from
    /// it, and a harvest that brings no lump changes no schedule. Anyone may call.
    /// @return gain The yield collected, fee included.
    function harvest() external returns (uint256 gain);

    /// @notice Withdraws the caller's yield to `receiver`, leaving their principal in the vault.
    /// @return assets The yield paid.
    function claimYield(address receiver) external returns (uint256 assets);

    /// @notice Harvests the old strategy, if any (a failing harvest is skipped), then moves every
    /// asset into `newStrategy`. Owner only.
    function setStrategy(IStrategy newStrategy) external;

    /// @notice Harvests at the old fee (accrued yield is valued net of it), then sets the
    /// performance fee, at most {MAX_PERFORMANCE_FEE_BPS}. Owner only.
    function setPerformanceFee(uint256 bps) external;

    /// @notice Sets the profit unlock time, between {MIN_PROFIT_UNLOCK_TIME} and
    /// {MAX_PROFIT_UNLOCK_TIME}, for profit locked from now on; profit already locked keeps its
    /// schedule. Owner only.
    function setProfitUnlockTime(uint256 seconds_) external;

    /// @notice Sets the treasury. Owner only.
    function setTreasury(address newTreasury) external;
}
