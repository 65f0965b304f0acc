// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IStrategy
/// @notice Where a vault's deposits work. A strategy serves one vault and one asset; only that
/// vault moves assets in or out.
interface IStrategy {
    /// @notice The vault received `assets` into the strategy.
    event StrategyDeposited(uint256 assets, uint256 totalAssets);

    /// @notice `assets` left the strategy for `receiver`.
    event StrategyWithdrawn(address indexed receiver, uint256 assets, uint256 totalAssets);

    /// @notice Yield of `assets` was collected into the strategy.
    event StrategyHarvested(uint256 assets, uint256 totalAssets);

    /// @notice A function reserved to the vault was called by `caller`.
    error StrategyCallerNotVault(address caller);

    /// @notice `requested` assets were asked for but the strategy holds `available`.
    error StrategyInsufficientAssets(uint256 requested, uint256 available);

    /// @notice The asset the strategy holds and earns.
    function asset() external view returns (address);

    /// @notice The vault it serves.
    function vault() external view returns (address);

    /// @notice Assets the strategy holds for the vault: principal plus harvested yield. Yield
    /// not yet harvested is reported by {pendingYield}.
    function totalAssets() external view returns (uint256);

    /// @notice Yield earned and not yet harvested (what {harvest} would collect now). A vault
    /// counts it in its share price as it accrues, so it must only grow between harvests, as
    /// earned, and never promise more than harvest delivers.
    function pendingYield() external view returns (uint256);

    /// @notice Accounts for `assets` the vault has just transferred to the strategy. Vault only.
    function deposit(uint256 assets) external;

    /// @notice Sends `assets` to `receiver`. Vault only.
    function withdraw(uint256 assets, address receiver) external;

    /// @notice Collects pending yield into the strategy. Vault only.
    /// @return harvested The assets collected.
    function harvest() external returns (uint256 harvested);
}
